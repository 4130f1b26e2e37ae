package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import io.churnwire.history.Cursor;
import io.churnwire.history.FeatureBinning;
import io.churnwire.history.Granularity;
import io.churnwire.history.HistoryException;
import io.churnwire.history.JoinedOutcomes;
import io.churnwire.history.OutcomeCounts;
import io.churnwire.history.OutcomeRecord;
import io.churnwire.history.PredictionFilter;
import io.churnwire.history.PredictionRecord;
import io.churnwire.history.PredictionStats;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.ProbabilityBucket;
import io.churnwire.history.ServedFeatures;
import io.churnwire.history.StoredPrediction;
import io.churnwire.history.TimeBucket;
import io.churnwire.history.TimeRange;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.metrics.MeterProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error paths of monitoring, which a healthy embedded store never takes: a store that does not
 * answer is {@code UNAVAILABLE}, a fault inside the server {@code INTERNAL} without its details,
 * no model loaded yet {@code UNAVAILABLE}, and the gauges' refresher survives all of them.
 */
class ChurnMonitoringFailuresTest {
  @TempDir Path registryDir;
  private final InsightsExecutor executor = new InsightsExecutor(1, 4);
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    executor.close();
  }

  private ModelMonitor monitor(ModelHolder models) {
    return new ModelMonitor(new MonitoredModels(models, ModelRegistry.at(registryDir)), MonitoringConfig.defaults(),
        ModelMonitor.OutcomeListener.NONE, Clock.systemUTC());
  }

  private static ModelHolder serving() {
    ModelHolder models = new ModelHolder();
    models.swap(ServingModel.of(TestModels.small()));
    return models;
  }

  private ChurnMonitoringServiceGrpc.ChurnMonitoringServiceBlockingStub start(PredictionStore store, ModelHolder models)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ChurnMonitoringServiceImpl(Optional.of(store), executor, monitor(models))).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return ChurnMonitoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static RecordOutcomesRequest oneOutcome() {
    Instant now = Instant.now();
    return RecordOutcomesRequest.newBuilder().addOutcomes(Outcome.newBuilder().setCustomerId("c").setChurned(true)
        .setObserveTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))).build();
  }

  @Test
  void aStoreThatDoesNotAnswer_isUnavailableForEveryCall() throws Exception {
    var monitoring = start(new FailingStore(() -> new HistoryException("connection refused", null)), serving());

    for (Runnable call : List.<Runnable>of(() -> monitoring.recordOutcomes(oneOutcome()),
        () -> monitoring.getModelPerformance(GetModelPerformanceRequest.getDefaultInstance()),
        () -> monitoring.getFeatureDrift(GetFeatureDriftRequest.getDefaultInstance()))) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      assertEquals("HISTORY_UNAVAILABLE", reason(refused));
    }
  }

  @Test
  void aFaultInsideTheServer_isInternalWithoutItsDetails() throws Exception {
    var monitoring = start(new FailingStore(() -> new IllegalStateException("secret internals")), serving());

    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> monitoring.getFeatureDrift(GetFeatureDriftRequest.getDefaultInstance()));

    assertEquals(Status.Code.INTERNAL, refused.getStatus().getCode());
    assertFalse(refused.getStatus().getDescription().contains("secret"), refused.getStatus().getDescription());
  }

  @Test
  void beforeAModelIsLoaded_theServedVersionIsUnavailable() throws Exception {
    var monitoring = start(new FailingStore(() -> new AssertionError("the store is not asked")), new ModelHolder());

    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> monitoring.getModelPerformance(GetModelPerformanceRequest.getDefaultInstance()));

    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertEquals("MODEL_NOT_LOADED", reason(refused));
  }

  @Test
  void theRefresher_survivesAStoreThatFailsOrAFault_andReportsNoMadeUpMeasures() {
    ModelHolder models = serving();
    MonitoringMetrics metrics = new MonitoringMetrics(MeterProvider.noop().get("test"));
    ModelMonitor monitor = monitor(models);
    MonitoringRefresher refresher = MonitoringRefresher.start(
        new FailingStore(() -> new HistoryException("down", null)), models, monitor, metrics, 3_600);
    MonitoringRefresher faulty = MonitoringRefresher.start(
        new FailingStore(() -> new IllegalStateException("bug")), models, monitor, metrics, 3_600);
    try {
      refresher.refresh();
      faulty.refresh();
      refresher.refresh();
    } finally {
      refresher.close();
      faulty.close();
    }

    assertTrue(metrics.snapshot().drift().isEmpty());
    assertTrue(metrics.snapshot().performance().isEmpty());
  }

  private static String reason(StatusRuntimeException refused) {
    return StatusProto.fromThrowable(refused).getDetailsList().stream().filter(any -> any.is(ErrorInfo.class))
        .map(any -> {
          try {
            return any.unpack(ErrorInfo.class).getReason();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        }).findFirst().orElse("");
  }

  /** A store that fails every call with the failure {@code failure} makes. */
  private record FailingStore(Supplier<? extends Throwable> failure) implements PredictionStore {
    private <T> T fail() {
      Throwable thrown = failure.get();
      if (thrown instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) thrown;
    }

    @Override
    public void append(List<PredictionRecord> records) {
      fail();
    }

    @Override
    public PredictionStats stats(TimeRange range) {
      return fail();
    }

    @Override
    public List<StoredPrediction> list(PredictionFilter filter, Optional<Cursor> after, int limit) {
      return fail();
    }

    @Override
    public List<ProbabilityBucket> riskDistribution(PredictionFilter filter, int bucketCount) {
      return fail();
    }

    @Override
    public List<TimeBucket> churnOverTime(PredictionFilter filter, Granularity granularity) {
      return fail();
    }

    @Override
    public OutcomeCounts recordOutcomes(List<OutcomeRecord> outcomes, Duration horizon) {
      return fail();
    }

    @Override
    public JoinedOutcomes joinedOutcomes(PredictionFilter filter, Duration horizon) {
      return fail();
    }

    @Override
    public ServedFeatures servedFeatures(PredictionFilter filter, List<FeatureBinning> features) {
      return fail();
    }

    @Override
    public Optional<Instant> earliest() {
      return fail();
    }

    @Override
    public long deleteBefore(Instant cutoff) {
      return fail();
    }

    @Override
    public void check() {
      fail();
    }

    @Override
    public String describe() {
      return "failing store";
    }

    @Override
    public void close() {}
  }
}
