package io.churnwire.server;

import io.churnwire.history.HistoryException;
import io.churnwire.history.PredictionStore;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the health of {@code ChurnInsightsService} and {@code ChurnMonitoringService}, which both
 * answer from the prediction history, in step with its store: checked every few
 * seconds, {@code SERVING} while the store answers and {@code NOT_SERVING} while it does not (or
 * when the history is off), independently of prediction, which stays {@code SERVING}. Logs each
 * change once.
 */
final class HistoryHealth implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryHealth.class);

  private final Optional<PredictionStore> store;
  private final HealthStatusManager health;
  private final ScheduledExecutorService checks;
  private volatile Boolean up;

  private HistoryHealth(Optional<PredictionStore> store, HealthStatusManager health) {
    this.store = store;
    this.health = health;
    this.checks = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "churnwire-history-health");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Checks now, then every {@code intervalMillis}. */
  static HistoryHealth start(Optional<PredictionStore> store, HealthStatusManager health, long intervalMillis) {
    HistoryHealth watcher = new HistoryHealth(store, health);
    watcher.check();
    if (store.isPresent()) {
      watcher.checks.scheduleWithFixedDelay(watcher::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
    return watcher;
  }

  /** Whether the store answered its last check; false when the history is off. */
  boolean up() {
    return Boolean.TRUE.equals(up);
  }

  private void check() {
    boolean answered = false;
    String problem = "prediction history is off";
    if (store.isPresent()) {
      try {
        store.get().check();
        answered = true;
      } catch (HistoryException e) {
        problem = SafeLog.value(e.getMessage(), SafeLog.MAX_MESSAGE_CHARS);
      } catch (RuntimeException e) {
        problem = e.getClass().getSimpleName();
      }
    }
    Boolean previous = up;
    up = answered;
    ServingStatus status = answered ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(ServiceNames.INSIGHTS_SERVICE, status);
    health.setStatus(ServiceNames.MONITORING_SERVICE, status);
    if (store.isPresent() && previous != null && previous != answered) {
      if (answered) {
        log.info("prediction history store {} is reachable again", store.get().describe());
      } else {
        log.warn("prediction history store {} is unreachable ({}); insights and monitoring NOT_SERVING, predictions go on",
            store.get().describe(), problem);
      }
    } else if (store.isPresent() && previous == null && !answered) {
      log.warn("prediction history store {} is unreachable ({}); insights and monitoring NOT_SERVING until it answers",
          store.get().describe(), problem);
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
