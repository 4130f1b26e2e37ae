package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.Explanation;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ContributionScale;
import io.churnwire.v1.FeatureContribution;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.Prediction;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExplainTest {
  private InProcessChurnwire churnwire;

  @BeforeEach
  void start() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config());
  }

  @AfterEach
  void stop() throws Exception {
    churnwire.close();
  }

  @Test
  void predict_withoutExplain_hasNoFactors() {
    Prediction prediction = churnwire.blocking().predict(Customers.risky()).getPrediction();

    assertEquals(0, prediction.getTopFactorsCount());
    assertEquals(ContributionScale.CONTRIBUTION_SCALE_UNSPECIFIED, prediction.getContributionScale());
  }

  @Test
  void predict_withExplain_listsFiveFactorsLargestFirstWithTheValuesAsSent() {
    PredictRequest request = Customers.risky().toBuilder().setExplain(true).build();

    Prediction prediction = churnwire.blocking().predict(request).getPrediction();

    List<FeatureContribution> factors = prediction.getTopFactorsList();
    assertEquals(ServingModel.TOP_FACTORS, factors.size());
    for (int i = 1; i < factors.size(); i++) {
      assertTrue(Math.abs(factors.get(i - 1).getContribution()) >= Math.abs(factors.get(i).getContribution()));
    }
    Map<String, String> sent = factors.stream()
        .collect(Collectors.toMap(FeatureContribution::getFeature, FeatureContribution::getValue));
    Map<String, String> expected = Map.of("internet_service", "INTERNET_SERVICE_YES",
        "number_dependents", "0", "number_referrals", "0", "satisfaction_score", "1", "tenure_in_months", "2",
        "total_long_distance_charges", "20.5", "total_revenue", "180", "contract", "CONTRACT_MONTH_TO_MONTH",
        "payment_method", "PAYMENT_METHOD_MAILED_CHECK");
    sent.forEach((feature, value) -> assertEquals(expected.get(feature), value, feature));
    assertEquals(ContributionScale.CONTRIBUTION_SCALE_LOG_ODDS, prediction.getContributionScale());
  }

  @Test
  void predict_withExplain_factorsAreTheModelsShapValuesWhichAddUpToItsLogOdds() throws Exception {
    PredictRequest request = Customers.loyal().toBuilder().setExplain(true).build();
    ServingModel serving = churnwire.application.models().current().orElseThrow();
    double[] row = serving.binding().extract(request, "");
    Explanation explanation = serving.model().explain(row);

    Prediction prediction = churnwire.blocking().predict(request).getPrediction();

    double sum = explanation.baseValue();
    for (double c : explanation.contributions()) {
      sum += c;
    }
    double p = prediction.getChurnProbability();
    assertEquals(Math.log(p / (1 - p)), sum, 1e-9, "base + all contributions = log-odds of the answer");
    assertEquals(explanation.baseValue(), prediction.getContributionBase(), 1e-12);
    for (FeatureContribution factor : prediction.getTopFactorsList()) {
      int index = serving.model().schema().indexOf(factor.getFeature());
      assertEquals(explanation.contributions()[index], factor.getContribution(), 1e-12, factor.getFeature());
    }
  }

  @Test
  void batchPredict_explainsOnlyTheItemsThatAsk() {
    BatchPredictRequest request = BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId("plain").setRequest(Customers.risky()))
        .addItems(PredictBatchRequest.newBuilder().setItemId("explained")
            .setRequest(Customers.risky().toBuilder().setExplain(true)))
        .build();

    List<PredictBatchResponse> results = churnwire.blocking().batchPredict(request).getResultsList();

    assertEquals(0, results.get(0).getResponse().getPrediction().getTopFactorsCount());
    assertEquals(ServingModel.TOP_FACTORS, results.get(1).getResponse().getPrediction().getTopFactorsCount());
    assertEquals(results.get(0).getResponse().getPrediction().getChurnProbability(),
        results.get(1).getResponse().getPrediction().getChurnProbability());
  }
}
