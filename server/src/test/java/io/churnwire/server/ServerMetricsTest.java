package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.Customers;
import io.churnwire.training.DeployCheck;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.StreamRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's {@code churnwire_*} metrics, read from its metrics port as Prometheus reads them. */
class ServerMetricsTest {
  private static final DeployCheck LENIENT = new DeployCheck(0.5, 0.1, 0.1, 0.1);

  @TempDir Path registryDir;
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

  private void start(ServerConfig config, ServerApplication.ModelLoader loader) throws Exception {
    application = ServerApplication.startOnNetty(config, loader);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  private void start() throws Exception {
    start(InProcessChurnwire.config(), TestModels::small);
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub blocking() {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private MetricsScrape scrape() throws Exception {
    return MetricsScrape.of(application.metricsPort());
  }

  private String version() {
    return application.models().current().orElseThrow().version();
  }

  /** Scrapes until {@code name} with {@code labels} reads {@code expected}; the last reading otherwise. */
  private double awaitValue(String name, Map<String, String> labels, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    double value = scrape().value(name, labels);
    while (value != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      value = scrape().value(name, labels);
    }
    return value;
  }

  @Test
  void predict_calledNTimes_countsNPredictionsByModelVersionAndRiskBand_andNCallsInGrpcCallDuration()
      throws Exception {
    start();
    int calls = 7;
    Map<String, Integer> byBand = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      PredictResponse answer = blocking().predict(i % 2 == 0 ? Customers.risky() : Customers.loyal());
      byBand.merge(PredictionLabels.bandName(answer.getPrediction().getRiskBand()), 1, Integer::sum);
    }

    assertEquals(calls, awaitValue("grpc_server_call_duration_seconds_bucket",
        Map.of("grpc_method", "churnwire.v1.ChurnService/Predict", "grpc_status", "OK", "le", "+Inf"), calls));
    MetricsScrape metrics = scrape();
    assertEquals(calls, metrics.value("churnwire_predictions_total", Map.of("method", "Predict")),
        metrics.linesStartingWith("churnwire_predictions_total"));
    for (Map.Entry<String, Integer> band : byBand.entrySet()) {
      assertEquals((double) band.getValue(), metrics.value("churnwire_predictions_total",
          Map.of("method", "Predict", "model_version", version(), "risk_band", band.getKey())));
    }
    assertEquals(calls, metrics.value("churnwire_scoring_duration_seconds_count", Map.of("mode", "row")));
    assertTrue(metrics.value("churnwire_connections_open", Map.of()) >= 1,
        metrics.linesStartingWith("churnwire_connections"));
  }

  @Test
  void invalidRequests_countOnePerFieldViolation_underTheFieldNameWithoutPrefixes() throws Exception {
    start();
    assertThrows(StatusRuntimeException.class, () -> blocking().predict(Customers.invalid()));
    blocking().batchPredict(BatchPredictRequest.newBuilder()
        .addItems(Customers.item("ok", Customers.risky()))
        .addItems(Customers.item("bad", Customers.invalid()))
        .build());
    byte[] undecodable = Wire.withBytesField(Customers.loyal().toBuilder().clearCustomerId().build().toByteArray(),
        PredictRequest.CUSTOMER_ID_FIELD_NUMBER, Wire.INVALID_UTF8);
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, Wire.method("churnwire.v1.ChurnService/Predict", MethodType.UNARY),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), undecodable));
    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());

    MetricsScrape metrics = scrape();
    String invalid = "churnwire_invalid_requests_total";
    assertEquals(1, metrics.value(invalid, Map.of("method", "Predict", "field", "contract")),
        metrics.linesStartingWith(invalid));
    assertEquals(1, metrics.value(invalid, Map.of("method", "Predict", "field", "satisfaction_score")));
    assertEquals(1, metrics.value(invalid, Map.of("method", "Predict", "field", "customer_id")));
    assertEquals(1, metrics.value(invalid, Map.of("method", "BatchPredict", "field", "contract")));
    assertEquals(1, metrics.value(invalid, Map.of("method", "BatchPredict", "field", "satisfaction_score")));
    assertEquals(5, metrics.value(invalid, Map.of()));
    assertEquals(1, metrics.value("churnwire_predictions_total", Map.of("method", "BatchPredict")));
  }

  @Test
  void predict_onASaturatedExecutor_countsAnAdmissionRejection_andTheSlotsShowFull() throws Exception {
    start(InProcessChurnwire.config().withScoringCapacity(1, 4), TestModels::small);
    assertTrue(application.executor().tryAdmit(4), "the test holds the whole capacity");
    try {
      StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
          () -> blocking().predict(Customers.risky()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());

      MetricsScrape metrics = scrape();
      assertEquals(0, metrics.value("churnwire_admission_rejections_total", Map.of("method", "BatchPredict")));
      assertEquals(1, metrics.value("churnwire_admission_rejections_total", Map.of("method", "Predict")),
          metrics.linesStartingWith("churnwire_admission"));
      assertEquals(4, metrics.value("churnwire_scoring_slots_in_use", Map.of()));
      assertEquals(4, metrics.value("churnwire_scoring_slots_capacity", Map.of()));
    } finally {
      application.executor().release(4);
    }
    assertEquals(0, scrape().value("churnwire_scoring_slots_in_use", Map.of()));
  }

  @Test
  void explainedCalls_fillTheExplanationHistogram_andPlainBatchesTheBlockScoringHistogram() throws Exception {
    start();
    int explained = 3;
    for (int i = 0; i < explained; i++) {
      assertTrue(blocking().predict(Customers.risky().toBuilder().setExplain(true).build())
          .getPrediction().getTopFactorsCount() > 0);
    }
    blocking().predict(Customers.loyal());
    blocking().batchPredict(BatchPredictRequest.newBuilder()
        .addItems(Customers.item("a", Customers.risky()))
        .addItems(Customers.item("b", Customers.loyal()))
        .build());

    MetricsScrape metrics = scrape();
    assertEquals(explained, metrics.value("churnwire_explanation_duration_seconds_count", Map.of()),
        metrics.linesStartingWith("churnwire_explanation"));
    assertTrue(metrics.value("churnwire_explanation_duration_seconds_sum", Map.of()) > 0);
    assertEquals(explained, metrics.value("churnwire_explanation_duration_seconds_bucket", Map.of("le", "0.1")));
    assertEquals(explained + 1, metrics.value("churnwire_scoring_duration_seconds_count", Map.of("mode", "row")));
    assertEquals(1, metrics.value("churnwire_scoring_duration_seconds_count", Map.of("mode", "block")));
    assertTrue(metrics.samples("churnwire_scoring_duration_seconds_bucket", Map.of("le", "1.0E-6")).size()
        + metrics.samples("churnwire_scoring_duration_seconds_bucket", Map.of("le", "1e-06")).size() > 0,
        metrics.linesStartingWith("churnwire_scoring_duration_seconds_bucket"));
  }

  @Test
  void predictBatchStream_isCountedOpenWhileItRuns_withItsItems_andClosedWhenItEnds() throws Exception {
    start();
    StreamRecorder<PredictBatchResponse> answers = StreamRecorder.create();
    StreamObserver<PredictBatchRequest> items = ChurnServiceGrpc.newStub(channel).predictBatch(answers);
    items.onNext(Customers.item("one", Customers.risky()));
    items.onNext(Customers.item("two", Customers.invalid()));

    assertEquals(1, awaitValue("churnwire_streams_open", Map.of(), 1));
    assertEquals(application.config().streamWindow(),
        scrape().value("churnwire_stream_window_capacity", Map.of()));
    assertTrue(scrape().value("churnwire_stream_window_items", Map.of()) <= application.config().streamWindow());
    items.onCompleted();
    assertTrue(answers.awaitCompletion(20, TimeUnit.SECONDS));

    assertEquals(0, awaitValue("churnwire_streams_open", Map.of(), 0));
    MetricsScrape metrics = scrape();
    assertEquals(0, metrics.value("churnwire_stream_window_items", Map.of()));
    assertEquals(1, metrics.value("churnwire_predictions_total", Map.of("method", "PredictBatch")));
    assertEquals(1, metrics.value("churnwire_invalid_requests_total",
        Map.of("method", "PredictBatch", "field", "contract")));
  }

  @Test
  void connectionBeyondTheBound_isCountedRefused_whileTheAdmittedOneIsCountedOpen() throws Exception {
    start(InProcessChurnwire.config().withMaxConnections(1), TestModels::small);
    assertTrue(blocking().predict(Customers.risky()).hasPrediction());
    ManagedChannel second = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    try {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> ChurnServiceGrpc.newBlockingStub(second).withDeadlineAfter(20, TimeUnit.SECONDS)
              .predict(Customers.risky()));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());

      MetricsScrape metrics = scrape();
      assertTrue(metrics.value("churnwire_connections_refused_total", Map.of()) >= 1,
          metrics.linesStartingWith("churnwire_connections"));
      assertEquals(1, metrics.value("churnwire_connections_open", Map.of()));
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void reload_ofAPromotedModel_changesModelInfoToItsVersion_andCountsLoaded_whileABadModelCountsRejected()
      throws Exception {
    ModelRegistry registry = ModelRegistry.at(registryDir);
    String first = TestModels.smallResult().registerIn(registry, null).version();
    String second = TestModels.forest().registerIn(registry, null).version();
    String broken = TestModels.logistic().registerIn(registry, null).version();
    registry.promote(first, LENIENT);
    ServerConfig config = InProcessChurnwire.config().withModelDir(registryDir).withReloadIntervalMillis(0);
    start(config, () -> ModelBootstrap.load(config));
    MetricsScrape before = scrape();
    assertEquals(1, before.value("churnwire_model_info", Map.of("model_version", first)),
        before.linesStartingWith("churnwire_model"));
    double loadedBefore = before.value("churnwire_model_loaded_timestamp_seconds", Map.of());
    assertTrue(loadedBefore > 1e9, "epoch seconds: " + loadedBefore);

    registry.promote(second, LENIENT);
    assertEquals(ModelReloader.Outcome.SWAPPED, application.reloader().reload("").get(20, TimeUnit.SECONDS).outcome());

    MetricsScrape after = scrape();
    assertEquals(1, after.samples("churnwire_model_info", Map.of()).size(), after.linesStartingWith("churnwire_model"));
    MetricsScrape.Sample info = after.samples("churnwire_model_info", Map.of()).get(0);
    assertEquals(second, info.labels().get("model_version"));
    assertEquals(application.models().current().orElseThrow().metadata().getAlgorithm(),
        info.labels().get("algorithm"));
    assertTrue(info.labels().get("loaded_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), info::toString);
    assertTrue(after.value("churnwire_model_loaded_timestamp_seconds", Map.of()) >= loadedBefore);
    assertEquals(1, after.value("churnwire_model_reloads_total", Map.of("outcome", "loaded")));

    Path bin = registry.versionDir(broken).resolve("model.pb");
    byte[] bytes = Files.readAllBytes(bin);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(bin, bytes);
    Files.writeString(registryDir.resolve(ModelRegistry.PRODUCTION), broken + "\n");
    assertEquals(ModelReloader.Outcome.REJECTED, application.reloader().reload("").get(20, TimeUnit.SECONDS).outcome());

    MetricsScrape rejected = scrape();
    assertEquals(1, rejected.value("churnwire_model_reloads_total", Map.of("outcome", "rejected")),
        rejected.linesStartingWith("churnwire_model_reloads"));
    assertEquals(1, rejected.value("churnwire_model_reloads_total", Map.of("outcome", "loaded")));
    assertEquals(1, rejected.value("churnwire_model_info", Map.of("model_version", second)));
    assertEquals(0, rejected.value("churnwire_model_reloads_total", Map.of("outcome", "failed")));

    Files.writeString(registryDir.resolve(ModelRegistry.PRODUCTION), "not a version\n");
    application.reloader().reload("").get(20, TimeUnit.SECONDS);

    MetricsScrape failed = scrape();
    assertEquals(1, failed.value("churnwire_model_reloads_total", Map.of("outcome", "failed")),
        failed.linesStartingWith("churnwire_model_reloads"));
    assertEquals(1, failed.value("churnwire_model_info", Map.of("model_version", second)));
  }
}
