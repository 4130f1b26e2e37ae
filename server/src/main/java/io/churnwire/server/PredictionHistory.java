package io.churnwire.server;

import io.churnwire.history.HistoryConfig;
import io.churnwire.history.HistoryException;
import io.churnwire.history.HistoryRecorder;
import io.churnwire.history.HistoryRetention;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.PredictionStores;
import io.churnwire.runtime.ModelRegistry;
import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's prediction history, started and stopped as one: the store, the recorder the data
 * plane hands every answered prediction to, retention, {@code ChurnInsightsService} and
 * {@code ChurnMonitoringService} with their own query threads, their health, and the refresher of
 * the monitoring gauges. Stopping flushes what is queued before the store closes, so a clean stop
 * loses no prediction.
 */
final class PredictionHistory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PredictionHistory.class);
  private static final long HEALTH_CHECK_MILLIS = 5_000;
  private static final int QUERY_THREADS = 2;
  private static final int QUERIES_QUEUED = 32;

  private final Optional<PredictionStore> store;
  private final Optional<HistoryRecorder> recorder;
  private final Optional<HistoryRetention> retention;
  private final InsightsExecutor queries;
  private volatile HistoryHealth health;
  private volatile Optional<MonitoringRefresher> refresher = Optional.empty();

  private PredictionHistory(Optional<PredictionStore> store, Optional<HistoryRecorder> recorder,
      Optional<HistoryRetention> retention, HistoryMetrics metrics) {
    this.store = store;
    this.recorder = recorder;
    this.retention = retention;
    this.queries = new InsightsExecutor(QUERY_THREADS, QUERIES_QUEUED);
    recorder.ifPresent(writer -> metrics.observe(writer::queued, () -> health != null && health.up()));
  }

  /**
   * Opens the store of {@code config} and starts recording into it; with the history off, nothing
   * is opened and the insights calls say so.
   *
   * @throws IOException when the embedded store cannot be opened (a PostgreSQL server that is down
   *     is not an error: recording waits for it)
   */
  static PredictionHistory start(HistoryConfig config, HistoryMetrics metrics) throws IOException {
    if (!config.enabled()) {
      log.info("prediction history is off");
      return new PredictionHistory(Optional.empty(), Optional.empty(), Optional.empty(), metrics);
    }
    PredictionStore store;
    try {
      store = PredictionStores.open(config);
    } catch (HistoryException e) {
      throw new IOException("prediction history: " + e.getMessage(), e);
    }
    HistoryRecorder recorder = HistoryRecorder.start(store, config, metrics);
    HistoryRetention retention = HistoryRetention.start(store, config);
    log.info("recording predictions in {}{}", store.describe(), config.retentionDays() > 0
        ? ", kept " + config.retentionDays() + " days" : ", kept forever");
    return new PredictionHistory(Optional.of(store), Optional.of(recorder), Optional.of(retention), metrics);
  }

  /** Where the data plane hands its answers. */
  PredictionSink sink() {
    return recorder.<PredictionSink>map(r -> r::record).orElse(PredictionSink.NONE);
  }

  /** {@code ChurnInsightsService} over this history. */
  BindableService insightsService(Clock clock) {
    return new ChurnInsightsServiceImpl(store, queries, clock);
  }

  /**
   * {@code ChurnMonitoringService} over this history, measuring the model versions of {@code models}
   * (the served one) and {@code registry}. With the history on, its metrics are registered on
   * {@code metrics} and, unless {@code config.refreshSeconds()} is 0, the gauges of the served
   * version are refreshed that often.
   */
  BindableService monitoringService(ModelHolder models, ModelRegistry registry, MonitoringConfig config,
      ServerMetrics metrics, Clock clock) {
    MonitoredModels monitored = new MonitoredModels(models, registry);
    if (store.isEmpty()) {
      return new ChurnMonitoringServiceImpl(store, queries,
          new ModelMonitor(monitored, config, ModelMonitor.OutcomeListener.NONE, clock));
    }
    MonitoringMetrics monitoring = metrics.monitoring();
    ModelMonitor monitor = new ModelMonitor(monitored, config, monitoring, clock);
    if (config.refreshSeconds() > 0) {
      refresher = Optional.of(MonitoringRefresher.start(store.get(), models, monitor, monitoring,
          config.refreshSeconds()));
    }
    return new ChurnMonitoringServiceImpl(store, queries, monitor);
  }

  /** Keeps the health of the insights and monitoring services in {@code manager} in step with the store. */
  void reportHealth(HealthStatusManager manager) {
    health = HistoryHealth.start(store, manager, HEALTH_CHECK_MILLIS);
  }

  /** Stops answering queries, writes every queued prediction, then closes the store. */
  @Override
  public void close() {
    refresher.ifPresent(MonitoringRefresher::close);
    if (health != null) {
      health.close();
    }
    queries.close();
    retention.ifPresent(HistoryRetention::close);
    recorder.ifPresent(HistoryRecorder::close);
    store.ifPresent(PredictionStore::close);
  }
}
