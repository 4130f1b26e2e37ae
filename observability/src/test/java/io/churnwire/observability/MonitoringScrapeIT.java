package io.churnwire.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.MonitoringConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.RecordOutcomesRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus scraping a real server that records its predictions in the embedded history
 * and has been told the true outcome of every customer it scored: the monitoring dashboard reads
 * drift, realised performance and history series the server really exports.
 */
class MonitoringScrapeIT {
  private static final String DASHBOARD = "churnwire-monitoring.json";
  private static final int CUSTOMERS = 400;
  private static final int FEATURES = 9;
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** Counters that appear with their first event, which a healthy store never causes. */
  private static final Set<String> EVENT_COUNTERS = Set.of("churnwire_history_dropped_total",
      "churnwire_history_store_outages_total");

  @TempDir
  static Path workDir;
  private static ServerApplication server;
  private static PrometheusProcess prometheus;
  private static ManagedChannel channel;

  @BeforeAll
  static void scrapeAServerThatKnowsItsOutcomes() throws Exception {
    ServerConfig config = ServerConfig.defaults()
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + workDir.resolve("predictions.duckdb")))
        .withMonitoring(MonitoringConfig.defaults().withRefreshSeconds(1))
        .withHost("127.0.0.1")
        .withPort(0)
        .withModelDir(DemoRegistry.shared());
    server = ServerApplication.start(config.withTelemetry(config.telemetry().withMetricsHost("127.0.0.1")));
    prometheus = PrometheusProcess.start(workDir, Duration.ofSeconds(1),
        List.of(Tools.prometheusDir().resolve("churnwire-rules.yml")),
        List.of(new PrometheusProcess.Job("churnwire-server", "127.0.0.1:" + server.metricsPort())));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();

    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    for (int i = 0; i < CUSTOMERS; i++) {
      batch.addItems(PredictBatchRequest.newBuilder().setItemId("item-" + i)
          .setRequest(TelcoRequests.of(customer(i), DemoRegistry.DATA.rows()[i])));
    }
    List<PredictBatchResponse> answers = ChurnServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS).batchPredict(batch.build()).getResultsList();
    assertEquals(CUSTOMERS, answers.stream().filter(PredictBatchResponse::hasResponse).count());
    assertEquals(CUSTOMERS, prometheus.awaitValue("sum(churnwire_history_recorded_total)",
        recorded -> recorded >= CUSTOMERS, PATIENCE), "predictions Prometheus saw recorded");

    Instant observed = Instant.now();
    RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
    for (int i = 0; i < CUSTOMERS; i++) {
      outcomes.addOutcomes(Outcome.newBuilder().setCustomerId(customer(i))
          .setChurned(DemoRegistry.DATA.label(i) == 1).setObserveTime(timestamp(observed)));
    }
    assertEquals(CUSTOMERS, ChurnMonitoringServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS).recordOutcomes(outcomes.build()).getMatchedCount());
    assertEquals(CUSTOMERS, prometheus.awaitValue("sum(churnwire_realised_outcomes)",
        joined -> joined >= CUSTOMERS, PATIENCE), "joined outcomes the refreshed gauges report");
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyMonitoringDashboardMetric_isExportedOrRecorded() throws Exception {
    Set<String> known = new TreeSet<>(prometheus.metricNames());
    for (RuleFiles.Rule rule : RuleFiles.rules()) {
      known.add(rule.name());
    }
    Set<String> unknown = new TreeSet<>();
    for (Dashboard.Query query : Dashboard.named(DASHBOARD).queries()) {
      for (String name : query.metricNames()) {
        if (!known.contains(name) && !EVENT_COUNTERS.contains(name)) {
          unknown.add(name + " (panel \"" + query.panel() + "\")");
        }
      }
    }

    assertEquals(Set.of(), unknown);
  }

  @Test
  void everyDriftAndPerformanceQuery_answersForTheServedVersion() throws Exception {
    String version = server.models().current().orElseThrow().version();
    for (Dashboard.Query query : Dashboard.named(DASHBOARD).queries()) {
      if (query.expr().contains("drift") || query.expr().contains("realised") || query.expr().contains("promoted")) {
        JsonNode series = prometheus.query(query.promql());
        assertTrue(!series.isEmpty(), "panel \"" + query.panel() + "\" " + query.refId() + " answers nothing");
        for (JsonNode one : series) {
          assertEquals(version, one.path("metric").path("model_version").asString(), query.toString());
        }
      }
    }
  }

  @Test
  void psiByFeature_hasASeriesForEveryModelFeature_andTrainingLikeTrafficHasNotDrifted() throws Exception {
    JsonNode psi = prometheus.query("max by (feature) (churnwire_feature_drift_psi)");

    assertEquals(FEATURES, psi.size(), psi::toString);
    assertEquals(0, prometheus.value("max(churnwire_drift_window_drifted)"));
  }

  @Test
  void realisedRocAuc_isAProperAuc_besideThePromotedOne() throws Exception {
    double realised = prometheus.value("max(churnwire_realised_roc_auc)");
    double promoted = prometheus.value("max(churnwire_promoted_roc_auc)");

    assertTrue(realised > 0.5 && realised <= 1, "realised " + realised);
    assertTrue(promoted > 0.5 && promoted <= 1, "promoted " + promoted);
  }

  @Test
  void outcomeCounters_countEveryOutcomeAsRecordedAndMatched() throws Exception {
    assertEquals(CUSTOMERS, prometheus.awaitValue("sum(churnwire_outcomes_total{result=\"recorded\"})",
        n -> n >= CUSTOMERS, PATIENCE));
    assertEquals(CUSTOMERS, prometheus.awaitValue("sum(churnwire_outcomes_joined_total{join=\"matched\"})",
        n -> n >= CUSTOMERS, PATIENCE));
  }

  private static String customer(int i) {
    return "scraped-" + i;
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
