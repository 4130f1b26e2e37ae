package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ResourceInfo;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.history.HistoryConfig;
import io.churnwire.monitoring.CalibrationBin;
import io.churnwire.monitoring.RealisedPerformance;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.training.ModelTrainer;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.DriftBin;
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
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ChurnMonitoringService} on a real Netty server serving the production model of a real
 * registry, with the embedded history store: outcomes fed back are counted by how they join,
 * realised performance is what the monitoring measures compute on the same predictions and labels,
 * drift tells a population like the training data from a shifted one, and the service's errors,
 * roles, health and gauges.
 */
class ChurnMonitoringTest {
  private static final Set<String> SHIFTED = Set.of("tenure_in_months", "satisfaction_score");

  @TempDir Path dir;
  private ServerApplication application;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private ServerConfig config() {
    return InProcessChurnwire.config().withModelDir(DemoRegistry.shared())
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + dir.resolve("predictions.duckdb")))
        .withMonitoring(MonitoringConfig.defaults().withRefreshSeconds(1));
  }

  private void start(ServerConfig config) throws Exception {
    application = ServerApplication.startOnNetty(config, () -> ModelBootstrap.load(config));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  private String servedVersion() {
    return application.models().current().orElseThrow().version();
  }

  @Test
  void recordOutcomes_countsRecordedDuplicateMatchedLateAndUnknownCustomers_andTheMetricsCountThem()
      throws Exception {
    start(config());
    Instant start = Instant.now();
    churn().predict(Customers.risky().toBuilder().setCustomerId("cust-a").build());
    churn().predict(Customers.loyal().toBuilder().setCustomerId("cust-b").build());
    awaitRecorded(start, 2);
    Instant observed = Instant.now();

    RecordOutcomesResponse answer = monitoring().recordOutcomes(RecordOutcomesRequest.newBuilder()
        .addOutcomes(outcome("cust-a", true, observed))
        .addOutcomes(outcome("cust-b", false, observed))
        .addOutcomes(outcome("cust-a", true, observed))
        .addOutcomes(outcome("cust-b", false, observed.minus(Duration.ofDays(100))))
        .addOutcomes(outcome("nobody", true, observed))
        .build());
    RecordOutcomesResponse again = monitoring().recordOutcomes(RecordOutcomesRequest.newBuilder()
        .addOutcomes(outcome("cust-a", true, observed)).build());

    assertEquals(RecordOutcomesResponse.newBuilder().setRecordedCount(4).setDuplicateCount(1).setMatchedCount(2)
        .setLateCount(1).setUnknownCustomerCount(1).build(), answer);
    assertEquals(RecordOutcomesResponse.newBuilder().setDuplicateCount(1).build(), again);
    MetricsScrape scrape = MetricsScrape.of(application.metricsPort());
    assertEquals(4, scrape.value("churnwire_outcomes_total", Map.of("result", "recorded")));
    assertEquals(2, scrape.value("churnwire_outcomes_total", Map.of("result", "duplicate")));
    assertEquals(2, scrape.value("churnwire_outcomes_joined_total", Map.of("join", "matched")));
    assertEquals(1, scrape.value("churnwire_outcomes_joined_total", Map.of("join", "late")));
    assertEquals(1, scrape.value("churnwire_outcomes_joined_total", Map.of("join", "unknown_customer")));
  }

  @Test
  void performance_isTheRealisedPerformanceOfTheJoinedPredictions_besideTheRegistrysPromotedMetrics()
      throws Exception {
    start(config());
    Instant start = Instant.now();
    int n = 300;
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(TelcoRequests.of("perf-" + i, DemoRegistry.DATA.rows()[i]));
    }
    List<Double> probabilities = score(requests);
    awaitRecorded(start, n);
    double[] scored = new double[n];
    boolean[] churned = new boolean[n];
    RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
    Instant observed = Instant.now();
    for (int i = 0; i < n; i++) {
      scored[i] = probabilities.get(i);
      churned[i] = DemoRegistry.DATA.label(i) == 1;
      outcomes.addOutcomes(outcome("perf-" + i, churned[i], observed));
    }
    assertEquals(n, monitoring().recordOutcomes(outcomes.build()).getMatchedCount());

    GetModelPerformanceResponse performance = monitoring().getModelPerformance(
        GetModelPerformanceRequest.newBuilder().setStartTime(timestamp(start)).build());

    ModelMetadata registered = ModelRegistry.at(DemoRegistry.shared()).list().stream()
        .filter(entry -> entry.version().equals(servedVersion())).findFirst().orElseThrow().metadata().orElseThrow();
    RealisedPerformance expected = RealisedPerformance.of(scored, churned, registered.decisionThreshold());
    assertEquals(servedVersion(), performance.getModelVersion());
    assertEquals(registered.decisionThreshold(), performance.getDecisionThreshold());
    assertEquals(Duration.ofDays(90).toSeconds(), performance.getOutcomeHorizon().getSeconds());
    assertEquals(n, performance.getOutcomeCount());
    assertEquals(expected.positives(), performance.getChurnedCount());
    assertEquals(expected.rocAuc().getAsDouble(), performance.getRealised().getRocAuc(), 1e-12);
    assertEquals(expected.prAuc().getAsDouble(), performance.getRealised().getPrAuc(), 1e-12);
    assertEquals(expected.brierScore().getAsDouble(), performance.getRealised().getBrierScore(), 1e-12);
    assertEquals(expected.topDecileLift().getAsDouble(), performance.getRealised().getTopDecileLift(), 1e-12);
    assertEquals(expected.precision().isPresent(), performance.getRealised().hasPrecision());
    assertEquals(expected.recall().getAsDouble(), performance.getRealised().getRecall(), 1e-12);
    assertEquals(expected.confusion().truePositives(), performance.getRealised().getTruePositives());
    assertEquals(expected.confusion().falsePositives(), performance.getRealised().getFalsePositives());
    assertEquals(expected.confusion().trueNegatives(), performance.getRealised().getTrueNegatives());
    assertEquals(expected.confusion().falseNegatives(), performance.getRealised().getFalseNegatives());
    assertEquals(RealisedPerformance.CALIBRATION_BINS, performance.getCalibrationCount());
    for (int k = 0; k < RealisedPerformance.CALIBRATION_BINS; k++) {
      CalibrationBin bin = expected.calibration().get(k);
      assertEquals(bin.count(), performance.getCalibration(k).getOutcomeCount(), "bin " + k);
      assertEquals(bin.meanPredicted().isPresent(), performance.getCalibration(k).hasMeanPredictedProbability());
    }
    EvaluationMetrics promoted = registered.metrics();
    assertEquals(promoted.rocAuc(), performance.getPromoted().getRocAuc());
    assertEquals(promoted.prAuc(), performance.getPromoted().getPrAuc());
    assertEquals(promoted.evaluationRows(), performance.getPromoted().getEvaluationRows());
    assertEquals(promoted.method(), performance.getPromoted().getMethod());
  }

  @Test
  void drift_ofTrafficLikeTheTrainingData_hasNoDriftedFeature_andBinsLabelledAsTheContractSays()
      throws Exception {
    start(config());
    Instant start = Instant.now();
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < DemoRegistry.DATA.size(); i += 2) {
      requests.add(TelcoRequests.of("like-" + i, DemoRegistry.DATA.rows()[i]));
    }
    score(requests);
    awaitRecorded(start, requests.size());

    GetFeatureDriftResponse drift = drift(start);

    assertEquals(servedVersion(), drift.getModelVersion());
    assertEquals(requests.size(), drift.getPredictionCount());
    assertEquals(DemoRegistry.DATA.schema().names(), drift.getFeaturesList().stream().map(FeatureDrift::getFeature)
        .toList(), "every feature, in schema order");
    for (FeatureDrift feature : drift.getFeaturesList()) {
      assertEquals(DriftLevel.DRIFT_LEVEL_NONE, feature.getLevel(), feature.getFeature() + " PSI " + feature.getPsi());
      assertEquals(requests.size(), feature.getObservationCount(), feature.getFeature());
      assertEquals(0, feature.getUnseenCount(), feature.getFeature());
      assertEquals(requests.size(), feature.getBinsList().stream().mapToLong(DriftBin::getServedCount).sum());
      assertEquals(1.0, feature.getBinsList().stream().mapToDouble(DriftBin::getReferenceShare).sum(), 1e-9);
      assertEquals("unseen", feature.getBinsList().getLast().getLabel());
    }
    FeatureDrift contract = byName(drift).get("contract");
    assertEquals(List.of("CONTRACT_MONTH_TO_MONTH", "CONTRACT_ONE_YEAR", "CONTRACT_TWO_YEAR", "unseen"),
        contract.getBinsList().stream().map(DriftBin::getLabel).toList());
    List<String> tenure = byName(drift).get("tenure_in_months").getBinsList().stream().map(DriftBin::getLabel).toList();
    assertTrue(tenure.getFirst().startsWith("(-inf, ") && tenure.getFirst().endsWith("]"), tenure.toString());
    assertTrue(tenure.get(tenure.size() - 2).endsWith(", +inf)"), tenure.toString());
    assertFalse(drift.getDrifted());
    assertEquals(0, drift.getDriftedFeatureShare());
    assertEquals(0.25, drift.getThresholds().getDriftedPsi());
  }

  @Test
  void drift_ofLongerTenuresAndLowerSatisfaction_driftsExactlyThoseTwoFeatures() throws Exception {
    start(config());
    int tenure = DemoRegistry.DATA.schema().indexOf("tenure_in_months");
    int satisfaction = DemoRegistry.DATA.schema().indexOf("satisfaction_score");
    Instant start = Instant.now();
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < DemoRegistry.DATA.size(); i += 2) {
      double[] row = DemoRegistry.DATA.rows()[i].clone();
      row[tenure] = row[tenure] * 3;
      row[satisfaction] = Math.max(1, row[satisfaction] - 2);
      requests.add(TelcoRequests.of("shifted-" + i, row));
    }
    score(requests);
    awaitRecorded(start, requests.size());

    GetFeatureDriftResponse drift = drift(start);

    for (FeatureDrift feature : drift.getFeaturesList()) {
      DriftLevel expected = SHIFTED.contains(feature.getFeature()) ? DriftLevel.DRIFT_LEVEL_DRIFTED
          : DriftLevel.DRIFT_LEVEL_NONE;
      assertEquals(expected, feature.getLevel(), feature.getFeature() + " PSI " + feature.getPsi());
    }
    assertEquals(2.0 / DemoRegistry.DATA.schema().size(), drift.getDriftedFeatureShare(), 1e-12);
    assertFalse(drift.getDrifted(), "two of nine features is below the default share of one half");
  }

  @Test
  void gauges_ofTheServedVersion_appearOnTheMetricsPortAfterARefresh() throws Exception {
    start(config());
    Instant start = Instant.now();
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      requests.add(TelcoRequests.of("gauge-" + i, DemoRegistry.DATA.rows()[i]));
    }
    score(requests);
    awaitRecorded(start, requests.size());
    RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
    Instant observed = Instant.now();
    for (int i = 0; i < requests.size(); i++) {
      outcomes.addOutcomes(outcome("gauge-" + i, DemoRegistry.DATA.label(i) == 1, observed));
    }
    monitoring().recordOutcomes(outcomes.build());
    Map<String, String> version = Map.of("model_version", servedVersion());

    MetricsScrape scrape = awaitScrape(s -> !s.samples("churnwire_realised_outcomes", version).isEmpty()
        && s.value("churnwire_realised_outcomes", version) == requests.size());

    GetModelPerformanceResponse performance = monitoring().getModelPerformance(
        GetModelPerformanceRequest.getDefaultInstance());
    GetFeatureDriftResponse drift = monitoring().getFeatureDrift(GetFeatureDriftRequest.getDefaultInstance());
    assertEquals(performance.getRealised().getRocAuc(), scrape.value("churnwire_realised_roc_auc", version), 1e-9);
    assertEquals(performance.getRealised().getBrierScore(), scrape.value("churnwire_realised_brier_score", version),
        1e-9);
    assertEquals(performance.getPromoted().getRocAuc(), scrape.value("churnwire_promoted_roc_auc", version), 1e-9);
    assertEquals(0, scrape.value("churnwire_drift_window_drifted", version));
    assertEquals(drift.getDriftedFeatureShare(), scrape.value("churnwire_drift_drifted_feature_share", version), 1e-9);
    for (FeatureDrift feature : drift.getFeaturesList()) {
      Map<String, String> labels = Map.of("model_version", servedVersion(), "feature", feature.getFeature());
      assertEquals(feature.getPsi(), scrape.value("churnwire_feature_drift_psi", labels), 1e-9, feature.getFeature());
      assertEquals(feature.getJensenShannonDistance(), scrape.value("churnwire_feature_drift_jensen_shannon", labels),
          1e-9, feature.getFeature());
    }
  }

  @Test
  void aVersionTheRegistryHoldsButDoesNotServe_isMeasuredWithItsOwnThresholdAndPromotedMetrics() throws Exception {
    Path registry = dir.resolve("registry");
    ModelTrainer.Result forest = TestModels.forest();
    String other = forest.registerIn(ModelRegistry.at(registry), null).version();
    ServerConfig config = config().withModelDir(registry);
    application = ServerApplication.startOnNetty(config, TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    Instant start = Instant.now();
    score(List.of(TelcoRequests.of("served-only", DemoRegistry.DATA.rows()[0])));
    awaitRecorded(start, 1);

    GetModelPerformanceResponse performance = monitoring().getModelPerformance(
        GetModelPerformanceRequest.newBuilder().setModelVersion(other).build());
    GetFeatureDriftResponse drift = monitoring().getFeatureDrift(
        GetFeatureDriftRequest.newBuilder().setModelVersion(other).build());

    assertFalse(other.equals(servedVersion()));
    assertEquals(other, performance.getModelVersion());
    assertEquals(forest.model().decisionThreshold(), performance.getDecisionThreshold());
    assertEquals(forest.model().metadata().metrics().rocAuc(), performance.getPromoted().getRocAuc());
    assertEquals(0, performance.getOutcomeCount());
    assertFalse(performance.getRealised().hasRocAuc(), "no ROC AUC without outcomes");
    assertEquals(other, drift.getModelVersion());
    assertEquals(0, drift.getPredictionCount(), "the served version's prediction is not the other's");
    for (FeatureDrift feature : drift.getFeaturesList()) {
      assertEquals(DriftLevel.DRIFT_LEVEL_NO_OBSERVATIONS, feature.getLevel(), feature.getFeature());
      assertFalse(feature.hasPsi(), feature.getFeature());
      assertEquals(0, feature.getObservationCount());
    }
    assertFalse(drift.hasDriftedFeatureShare(), "no share without observations");
    assertFalse(drift.getDrifted());
    assertEquals(Duration.ofHours(24).toSeconds(),
        drift.getEndTime().getSeconds() - drift.getStartTime().getSeconds(), "the default window");
  }

  @Test
  void badRequests_areInvalidArgumentNamingTheFields_andAnUnknownVersionIsNotFound() throws Exception {
    start(config());
    Instant now = Instant.now();

    assertEquals(List.of("outcomes"), violations(() -> monitoring().recordOutcomes(
        RecordOutcomesRequest.getDefaultInstance())));
    assertEquals(List.of("outcomes[0].churned", "outcomes[1].customer_id", "outcomes[2].observe_time"),
        violations(() -> monitoring().recordOutcomes(RecordOutcomesRequest.newBuilder()
            .addOutcomes(outcome("a", true, now).toBuilder().clearChurned())
            .addOutcomes(outcome("", true, now))
            .addOutcomes(outcome("c", true, now.plus(Duration.ofHours(1))))
            .addOutcomes(outcome("d", false, now))
            .build())));
    assertEquals(List.of("end_time"), violations(() -> monitoring().getFeatureDrift(GetFeatureDriftRequest
        .newBuilder().setStartTime(timestamp(now)).setEndTime(timestamp(now.minusSeconds(60))).build())));
    assertEquals(List.of("start_time"), violations(() -> monitoring().getFeatureDrift(GetFeatureDriftRequest
        .newBuilder().setStartTime(timestamp(now.plus(Duration.ofDays(1)))).build())));
    assertEquals(List.of("model_version"), violations(() -> monitoring().getModelPerformance(
        GetModelPerformanceRequest.newBuilder().setModelVersion("latest").build())));

    for (Runnable call : List.<Runnable>of(
        () -> monitoring().getModelPerformance(GetModelPerformanceRequest.newBuilder()
            .setModelVersion("sha256:ffffffffffffffff").build()),
        () -> monitoring().getFeatureDrift(GetFeatureDriftRequest.newBuilder()
            .setModelVersion("sha256:ffffffffffffffff").build()))) {
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, call::run);
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
      assertTrue(missing.getStatus().getDescription().contains("model_version sha256:ffffffffffffffff"),
          missing.getStatus().getDescription());
      assertEquals("sha256:ffffffffffffffff", StatusProto.fromThrowable(missing).getDetailsList().stream()
          .filter(any -> any.is(ResourceInfo.class)).map(ChurnMonitoringTest::resourceInfo).findFirst().orElseThrow()
          .getResourceName());
    }
  }

  @Test
  void historyOff_everyMonitoringCallIsFailedPrecondition_andTheServiceIsNotServing() throws Exception {
    start(config().withHistory(HistoryConfig.off()));

    for (Runnable call : List.<Runnable>of(
        () -> monitoring().recordOutcomes(RecordOutcomesRequest.newBuilder()
            .addOutcomes(outcome("a", true, Instant.now())).build()),
        () -> monitoring().getModelPerformance(GetModelPerformanceRequest.getDefaultInstance()),
        () -> monitoring().getFeatureDrift(GetFeatureDriftRequest.getDefaultInstance()))) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
      assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("--history=off"), refused.getStatus().getDescription());
    }
    assertEquals(ServingStatus.NOT_SERVING, health(ServiceNames.MONITORING_SERVICE));
    assertEquals(ServingStatus.SERVING, health(ServiceNames.CHURN_SERVICE));
    assertTrue(MetricsScrape.of(application.metricsPort()).linesStartingWith("churnwire_outcomes_total").isEmpty(),
        "no monitoring metrics without a history");
  }

  @Test
  void withTheHistoryOn_theServiceIsServing() throws Exception {
    start(config());

    assertEquals(ServingStatus.SERVING, health(ServiceNames.MONITORING_SERVICE));
  }

  @Test
  void recordingOutcomesNeedsTheOutcomesRole_andReadingThemTheInsightsRole() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "sha256:" + AuthTokensTest.sha256("feeder") + " outcomes\n"
        + "sha256:" + AuthTokensTest.sha256("analyst") + " insights\n");
    start(config().withAuthTokens(tokens, 0));
    churn(Callers.bearer("feeder"), Status.Code.PERMISSION_DENIED);
    RecordOutcomesRequest outcomes = RecordOutcomesRequest.newBuilder()
        .addOutcomes(outcome("someone", true, Instant.now())).build();

    StatusRuntimeException analystRecords = assertThrows(StatusRuntimeException.class,
        () -> monitoring().withCallCredentials(Callers.bearer("analyst")).recordOutcomes(outcomes));
    StatusRuntimeException feederReads = assertThrows(StatusRuntimeException.class,
        () -> monitoring().withCallCredentials(Callers.bearer("feeder")).getFeatureDrift(
            GetFeatureDriftRequest.getDefaultInstance()));

    assertEquals(Status.Code.PERMISSION_DENIED, analystRecords.getStatus().getCode());
    assertTrue(analystRecords.getStatus().getDescription().contains("'outcomes'"),
        analystRecords.getStatus().getDescription());
    assertEquals(Status.Code.PERMISSION_DENIED, feederReads.getStatus().getCode());
    assertTrue(feederReads.getStatus().getDescription().contains("'insights'"), feederReads.getStatus().getDescription());
    assertEquals(1, monitoring().withCallCredentials(Callers.bearer("feeder")).recordOutcomes(outcomes)
        .getUnknownCustomerCount());
    assertEquals(0, monitoring().withCallCredentials(Callers.bearer("analyst"))
        .getModelPerformance(GetModelPerformanceRequest.getDefaultInstance()).getOutcomeCount());
  }

  private void churn(CallCredentials credentials, Status.Code expected) {
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> churn().withCallCredentials(credentials).predict(Customers.risky()));
    assertEquals(expected, refused.getStatus().getCode(), "a token with the outcomes role only does not score");
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub churn() {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private ChurnMonitoringServiceGrpc.ChurnMonitoringServiceBlockingStub monitoring() {
    return ChurnMonitoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private GetFeatureDriftResponse drift(Instant start) {
    return monitoring().getFeatureDrift(GetFeatureDriftRequest.newBuilder().setStartTime(timestamp(start)).build());
  }

  private static Map<String, FeatureDrift> byName(GetFeatureDriftResponse drift) {
    return drift.getFeaturesList().stream().collect(Collectors.toMap(FeatureDrift::getFeature, Function.identity()));
  }

  /** Scores {@code requests} in batches; the probabilities in request order. */
  private List<Double> score(List<PredictRequest> requests) {
    List<Double> probabilities = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += 500) {
      BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
      for (int i = from; i < Math.min(requests.size(), from + 500); i++) {
        batch.addItems(PredictBatchRequest.newBuilder().setItemId(Integer.toString(i)).setRequest(requests.get(i)));
      }
      BatchPredictResponse answer = churn().batchPredict(batch.build());
      for (PredictBatchResponse result : answer.getResultsList()) {
        assertTrue(result.hasResponse(), "item " + result.getItemId() + " scored: " + result.getError());
        probabilities.add(result.getResponse().getPrediction().getChurnProbability());
      }
    }
    return probabilities;
  }

  /** Waits until the history holds {@code count} predictions made since {@code start} (recording is asynchronous). */
  private void awaitRecorded(Instant start, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long found = 0;
    while (System.nanoTime() < deadline) {
      found = ChurnInsightsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getPredictionStats(GetPredictionStatsRequest.newBuilder().setStartTime(timestamp(start)).build())
          .getOverall().getPredictionCount();
      if (found >= count) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals(count, found, "predictions recorded");
  }

  /** Scrapes the metrics port until {@code ready} holds (the gauges are refreshed every second). */
  private MetricsScrape awaitScrape(java.util.function.Predicate<MetricsScrape> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    MetricsScrape scrape = MetricsScrape.of(application.metricsPort());
    while (!ready.test(scrape) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      scrape = MetricsScrape.of(application.metricsPort());
    }
    assertTrue(ready.test(scrape), "the monitoring gauges were refreshed");
    return scrape;
  }

  private ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static Outcome outcome(String customer, boolean churned, Instant observed) {
    return Outcome.newBuilder().setCustomerId(customer).setChurned(churned).setObserveTime(timestamp(observed)).build();
  }

  private static Timestamp timestamp(Instant instant) {
    return HistoryProtos.timestamp(instant);
  }

  private static ResourceInfo resourceInfo(com.google.protobuf.Any any) {
    try {
      return any.unpack(ResourceInfo.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> violations(Runnable call) {
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.getStatus().toString());
    return StatusProto.fromThrowable(refused).getDetailsList().stream().filter(any -> any.is(BadRequest.class))
        .flatMap(any -> {
          try {
            return any.unpack(BadRequest.class).getFieldViolationsList().stream();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        }).map(BadRequest.FieldViolation::getField).toList();
  }
}
