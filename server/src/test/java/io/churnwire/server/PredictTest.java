package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.FeatureSpec;
import io.churnwire.v1.FeatureType;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.Prediction;
import io.churnwire.v1.RiskBand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PredictTest {
  private InProcessChurnwire churnwire;

  @BeforeEach
  void start() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withMaxBatchItems(5));
  }

  @AfterEach
  void stop() throws Exception {
    churnwire.close();
  }

  @Test
  void predict_validCustomer_returnsProbabilityDecisionBandAndModelVersion() {
    PredictResponse response = churnwire.blocking().predict(Customers.risky());

    Prediction prediction = response.getPrediction();
    double probability = prediction.getChurnProbability();
    assertTrue(probability >= 0 && probability <= 1, "probability " + probability);
    assertEquals(probability >= prediction.getDecisionThreshold(), prediction.getWillChurn());
    assertEquals(ServingModel.riskBand(probability, prediction.getDecisionThreshold()), prediction.getRiskBand());
    assertNotEquals(RiskBand.RISK_BAND_UNSPECIFIED, prediction.getRiskBand());
    assertEquals(TestModels.small().metadata().version(), prediction.getModelVersion());
    assertEquals(TestModels.small().metadata().decisionThreshold(), prediction.getDecisionThreshold());
    assertEquals("0001-RISKY", response.getCustomerId());
  }

  @Test
  void predict_riskyCustomer_scoresAboveLoyalCustomer() {
    double risky = churnwire.blocking().predict(Customers.risky()).getPrediction().getChurnProbability();
    double loyal = churnwire.blocking().predict(Customers.loyal()).getPrediction().getChurnProbability();

    assertTrue(risky > loyal, "risky " + risky + " should exceed loyal " + loyal);
  }

  @Test
  void predict_sameCustomerTwice_givesIdenticalProbability() {
    double first = churnwire.blocking().predict(Customers.loyal()).getPrediction().getChurnProbability();
    double second = churnwire.blocking().predict(Customers.loyal()).getPrediction().getChurnProbability();

    assertEquals(first, second);
  }

  @Test
  void predict_withRequestId_echoesIt() {
    PredictRequest request = Customers.loyal().toBuilder().setRequestId("req-42").build();

    assertEquals("req-42", churnwire.blocking().predict(request).getRequestId());
  }

  @Test
  void predict_withoutRequestId_assignsAUniqueOne() {
    String first = churnwire.blocking().predict(Customers.loyal()).getRequestId();
    String second = churnwire.blocking().predict(Customers.loyal()).getRequestId();

    assertFalse(first.isEmpty());
    assertNotEquals(first, second);
  }

  @Test
  void getModelMetadata_describesVersionSchemaMetricsAndThreshold() {
    ModelMetadata metadata = churnwire.blocking()
        .getModelMetadata(GetModelMetadataRequest.getDefaultInstance()).getModel();

    assertEquals(TestModels.small().metadata().version(), metadata.getVersion());
    assertEquals(List.of("internet_service", "number_dependents", "number_referrals",
            "satisfaction_score", "tenure_in_months", "total_long_distance_charges", "total_revenue",
            "contract", "payment_method"),
        metadata.getFeaturesList().stream().map(FeatureSpec::getName).toList());
    FeatureSpec contract = metadata.getFeatures(7);
    assertEquals(FeatureType.FEATURE_TYPE_CATEGORICAL, contract.getType());
    assertEquals(List.of("CONTRACT_MONTH_TO_MONTH", "CONTRACT_ONE_YEAR", "CONTRACT_TWO_YEAR"),
        contract.getAllowedValuesList());
    FeatureSpec satisfaction = metadata.getFeatures(3);
    assertEquals(1.0, satisfaction.getMin());
    assertEquals(5.0, satisfaction.getMax());
    assertTrue(metadata.getMetrics().getRocAuc() > 0.5);
    assertTrue(metadata.getMetrics().getEvaluationRows() > 0);
    assertTrue(metadata.getDecisionThreshold() > 0 && metadata.getDecisionThreshold() < 1);
    assertTrue(metadata.hasTrainedAt());
    assertEquals(64, metadata.getTrainingDataSha256().length());
  }

  @Test
  void batchPredict_mixedItems_answersEachItemInOrder() {
    BatchPredictRequest request = BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId("a").setRequest(Customers.risky()))
        .addItems(PredictBatchRequest.newBuilder().setItemId("b")
            .setRequest(Customers.loyal().toBuilder().setTenureInMonths(-1)))
        .addItems(PredictBatchRequest.newBuilder().setItemId("c").setRequest(Customers.loyal()))
        .build();

    BatchPredictResponse response = churnwire.blocking().batchPredict(request);

    assertEquals(List.of("a", "b", "c"),
        response.getResultsList().stream().map(PredictBatchResponse::getItemId).toList());
    assertTrue(response.getResults(0).hasResponse());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), response.getResults(1).getError().getCode());
    assertEquals(Map.of("request.tenure_in_months", "must be from 0 to 1200, got -1"),
        Errors.violations(response.getResults(1).getError()));
    assertTrue(response.getResults(2).hasResponse());
  }

  @Test
  void batchPredict_moreItemsThanTheLimit_isInvalidArgumentNamingItems() {
    BatchPredictRequest.Builder request = BatchPredictRequest.newBuilder();
    for (int i = 0; i < 6; i++) {
      request.addItems(PredictBatchRequest.newBuilder().setItemId("i" + i).setRequest(Customers.loyal()));
    }

    StatusRuntimeException error =
        assertThrows(StatusRuntimeException.class, () -> churnwire.blocking().batchPredict(request.build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    assertTrue(Errors.violations(error).get("items").contains("at most 5 items, got 6"));
  }
}
