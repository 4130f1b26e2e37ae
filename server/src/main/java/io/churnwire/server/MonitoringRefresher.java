package io.churnwire.server;

import io.churnwire.history.HistoryException;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.TimeRange;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Recomputes the monitoring gauges of the served version every {@code --monitoring-refresh-seconds}
 * on a thread of its own, off the request path: its drift over the drift window ending now and its
 * realised performance over the whole history. A store that does not answer, or a version that
 * cannot be measured, keeps the previous measures and is logged at most once a minute; the
 * refresher never stops on a failure.
 */
final class MonitoringRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MonitoringRefresher.class);
  private static final RateLimitedLog problems = new RateLimitedLog(log, Level.WARN, 60, TimeUnit.SECONDS);
  private static final RateLimitedLog failures =
      new RateLimitedLog(log, Level.ERROR, 60, TimeUnit.SECONDS).withStackTraces();

  private final PredictionStore store;
  private final ModelHolder models;
  private final ModelMonitor monitor;
  private final MonitoringMetrics metrics;
  private final ScheduledExecutorService schedule;

  private MonitoringRefresher(PredictionStore store, ModelHolder models, ModelMonitor monitor,
      MonitoringMetrics metrics) {
    this.store = store;
    this.models = models;
    this.monitor = monitor;
    this.metrics = metrics;
    this.schedule = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "churnwire-monitoring-refresh");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Refreshes every {@code seconds}, the first time after one period (the model may still be loading). */
  static MonitoringRefresher start(PredictionStore store, ModelHolder models, ModelMonitor monitor,
      MonitoringMetrics metrics, long seconds) {
    MonitoringRefresher refresher = new MonitoringRefresher(store, models, monitor, metrics);
    refresher.schedule.scheduleWithFixedDelay(refresher::refresh, seconds, seconds, TimeUnit.SECONDS);
    return refresher;
  }

  /** Measures the served version once and hands the measures to the gauges. */
  void refresh() {
    Optional<ServingModel> served = models.current();
    if (served.isEmpty()) {
      return;
    }
    String version = served.get().version();
    try {
      ModelMonitor.Drift drift = monitor.drift(store, Optional.of(version), Optional.empty(), Optional.empty());
      ModelMonitor.Performance performance = monitor.performance(store, Optional.of(version), TimeRange.ALL);
      metrics.update(new MonitoringMetrics.Snapshot(Optional.of(drift), Optional.of(performance)));
    } catch (HistoryException e) {
      problems.log("monitoring gauges not refreshed, the prediction history is unavailable: {}",
          SafeLog.value(e.getMessage(), SafeLog.MAX_MESSAGE_CHARS));
    } catch (CallRefusedException | InvalidRequestException e) {
      problems.log("monitoring gauges of {} not refreshed: {}", version,
          SafeLog.value(e.getMessage(), SafeLog.MAX_MESSAGE_CHARS));
    } catch (RuntimeException e) {
      failures.log("monitoring gauges not refreshed: {}", e);
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    try {
      schedule.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
