package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.datasets.TrainingData;
import io.churnwire.history.HistoryConfig;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.DriftLevel;
import io.churnwire.v1.FeatureDrift;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetFeatureDriftResponse;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.GetModelPerformanceResponse;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring measures what the model's evaluation promised, on the real IBM Telco customers
 * ({@code ../shared/data/telco_customer_churn.csv} beside the checkout, or the file named by
 * {@code -Dchurnwire.telco.csv}; skipped without it). A model is trained on the file as the trainer
 * does; a real server scores exactly the rows its evaluation held out and is told their true
 * labels as outcomes, so the realised ROC AUC must be the reported one; then a population with
 * longer tenures and lower satisfaction is served, and exactly those two features drift.
 */
class MonitoringOnRealDataTest {
  /** Realised and reported ROC AUC may differ by this much (the tolerance). */
  private static final double AUC_TOLERANCE = 0.005;
  private static final int CHUNK = 500;
  private static final Set<String> SHIFTED = Set.of("tenure_in_months", "satisfaction_score");

  @TempDir static Path historyDir;
  private static TrainingData data;
  private static List<String> customerIds;
  private static ModelTrainer.Result trained;
  private static ServerApplication application;
  private static ManagedChannel channel;

  @BeforeAll
  static void trainAndStart() throws Exception {
    Path csv = realData();
    Assumptions.assumeTrue(csv != null, "the IBM Telco CSV is not beside the checkout");
    data = TelcoCsv.read(csv, FeatureSchema.telco());
    customerIds = TelcoCsv.readRequests(csv).stream().map(PredictRequest::getCustomerId).toList();
    assertEquals(data.size(), customerIds.size(), "one customer id per row");
    trained = ModelTrainer.fit(data, options());
    HistoryConfig history = HistoryConfig.defaults().withUrl("jdbc:duckdb:" + historyDir.resolve("predictions.duckdb"));
    application = ServerApplication.startOnNetty(InProcessChurnwire.config().withHistory(history), trained::model);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  /** The trainer's defaults with the small test ensemble: the served model is the evaluated one. */
  private static TrainingOptions options() {
    TrainingOptions options = DemoRegistry.OPTIONS;
    assertFalse(options.refitOnAllRows(), "the served model must be the one the report evaluated");
    return options;
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void heldOutRowsWithTheirTrueLabels_giveTheReportedRocAucAndNoDrift() throws Exception {
    int[] heldOut = ModelTrainer.heldOutRows(data, options());
    Instant start = Instant.now();
    List<PredictRequest> requests = new ArrayList<>();
    for (int row : heldOut) {
      requests.add(TelcoRequests.of(customerIds.get(row), data.rows()[row]));
    }
    score(requests);
    awaitRecorded(start, heldOut.length);

    Instant observed = Instant.now();
    long recorded = 0;
    long matched = 0;
    for (int from = 0; from < heldOut.length; from += CHUNK) {
      RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
      for (int i = from; i < Math.min(heldOut.length, from + CHUNK); i++) {
        outcomes.addOutcomes(Outcome.newBuilder().setCustomerId(customerIds.get(heldOut[i]))
            .setChurned(data.label(heldOut[i]) == 1).setObserveTime(timestamp(observed)));
      }
      RecordOutcomesResponse answer = monitoring().recordOutcomes(outcomes.build());
      recorded += answer.getRecordedCount();
      matched += answer.getMatchedCount();
    }
    assertEquals(heldOut.length, recorded, "outcomes recorded");
    assertEquals(heldOut.length, matched, "outcomes joined with a prediction");

    GetModelPerformanceResponse performance = monitoring().getModelPerformance(GetModelPerformanceRequest.newBuilder()
        .setStartTime(timestamp(start)).build());
    EvaluationMetrics reported = trained.report().metrics();
    assertEquals(trained.model().version(), performance.getModelVersion());
    assertEquals(heldOut.length, performance.getOutcomeCount());
    assertEquals(reported.truePositives() + reported.falseNegatives(), performance.getChurnedCount());
    assertTrue(performance.getRealised().hasRocAuc(), "ROC AUC defined with churners and stayers");
    assertEquals(reported.rocAuc(), performance.getRealised().getRocAuc(), AUC_TOLERANCE,
        "realised ROC AUC against the evaluation report's");
    assertEquals(reported.rocAuc(), performance.getPromoted().getRocAuc(), 1e-12, "promoted metrics shown beside");
    assertEquals(reported.truePositives(), performance.getRealised().getTruePositives(), "decisions at the threshold");
    assertEquals(reported.falsePositives(), performance.getRealised().getFalsePositives());

    GetFeatureDriftResponse drift = drift(start);
    assertEquals(heldOut.length, drift.getPredictionCount());
    for (FeatureDrift feature : drift.getFeaturesList()) {
      assertEquals(heldOut.length, feature.getObservationCount(), feature.getFeature());
      assertTrue(feature.getLevel() == DriftLevel.DRIFT_LEVEL_NONE,
          feature.getFeature() + " of held-out customers is " + feature.getLevel() + " (PSI " + feature.getPsi() + ")");
    }
    assertFalse(drift.getDrifted());
  }

  @Test
  void longerTenuresAndLowerSatisfaction_driftExactlyThoseTwoFeatures() throws Exception {
    int tenure = data.schema().names().indexOf("tenure_in_months");
    int satisfaction = data.schema().names().indexOf("satisfaction_score");
    Instant start = Instant.now();
    List<PredictRequest> requests = new ArrayList<>();
    for (int row = 0; row < data.size(); row += 2) {
      double[] shifted = data.rows()[row].clone();
      shifted[tenure] = shifted[tenure] * 3;
      shifted[satisfaction] = Math.max(1, shifted[satisfaction] - 2);
      requests.add(TelcoRequests.of("shifted-" + customerIds.get(row), shifted));
    }
    score(requests);
    awaitRecorded(start, requests.size());

    GetFeatureDriftResponse drift = drift(start);
    Map<String, FeatureDrift> byName = drift.getFeaturesList().stream()
        .collect(Collectors.toMap(FeatureDrift::getFeature, feature -> feature));
    assertEquals(Set.copyOf(data.schema().names()), byName.keySet());
    for (FeatureDrift feature : byName.values()) {
      String description = feature.getFeature() + " is " + feature.getLevel() + " (PSI " + feature.getPsi() + ")";
      if (SHIFTED.contains(feature.getFeature())) {
        assertEquals(DriftLevel.DRIFT_LEVEL_DRIFTED, feature.getLevel(), description);
      } else {
        assertEquals(DriftLevel.DRIFT_LEVEL_NONE, feature.getLevel(), description);
      }
    }
    assertEquals(2.0 / data.schema().size(), drift.getDriftedFeatureShare(), 1e-12);
  }

  private static void score(List<PredictRequest> requests) {
    ChurnServiceGrpc.ChurnServiceBlockingStub churn =
        ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    for (int from = 0; from < requests.size(); from += CHUNK) {
      BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
      for (int i = from; i < Math.min(requests.size(), from + CHUNK); i++) {
        batch.addItems(PredictBatchRequest.newBuilder().setItemId(Integer.toString(i)).setRequest(requests.get(i)));
      }
      BatchPredictResponse answer = churn.batchPredict(batch.build());
      for (PredictBatchResponse result : answer.getResultsList()) {
        assertTrue(result.hasResponse(), "item " + result.getItemId() + " scored: " + result.getError());
      }
    }
  }

  private static void awaitRecorded(Instant start, long count) throws InterruptedException {
    ChurnInsightsServiceGrpc.ChurnInsightsServiceBlockingStub insights =
        ChurnInsightsServiceGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long found = 0;
    while (System.nanoTime() < deadline) {
      found = insights.withDeadlineAfter(10, TimeUnit.SECONDS).getPredictionStats(
          GetPredictionStatsRequest.newBuilder().setStartTime(timestamp(start)).build()).getOverall().getPredictionCount();
      if (found >= count) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(count, found, "predictions recorded");
  }

  private static GetFeatureDriftResponse drift(Instant start) {
    return monitoring().getFeatureDrift(GetFeatureDriftRequest.newBuilder().setStartTime(timestamp(start)).build());
  }

  private static ChurnMonitoringServiceGrpc.ChurnMonitoringServiceBlockingStub monitoring() {
    return ChurnMonitoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static Path realData() throws IOException {
    String configured = System.getProperty("churnwire.telco.csv");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/telco_customer_churn.csv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
