package io.churnwire.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the history to its retention: shortly after start and then every hour, deletes the
 * predictions older than the configured number of days and the outcomes observed before then, in
 * small chunks (each its own transaction) so that recording goes on between them. A failed pass is
 * logged and tried again at the next one.
 */
public final class HistoryRetention implements AutoCloseable {
  /** How often a pass runs. */
  public static final Duration INTERVAL = Duration.ofHours(1);
  /** How long after start the first pass runs, so that it does not slow the start itself. */
  static final Duration FIRST_DELAY = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(HistoryRetention.class);

  private final PredictionStore store;
  private final Duration keep;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private HistoryRetention(PredictionStore store, Duration keep, Clock clock, ScheduledExecutorService scheduler) {
    this.store = store;
    this.keep = keep;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * Starts the periodic passes for {@code config}'s retention; with 0 days (keep forever) nothing
   * is ever deleted.
   */
  public static HistoryRetention start(PredictionStore store, HistoryConfig config) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("history-retention").daemon().factory());
    HistoryRetention retention = new HistoryRetention(Objects.requireNonNull(store, "store"),
        Duration.ofDays(config.retentionDays()), Clock.systemUTC(), scheduler);
    if (config.retentionDays() > 0) {
      scheduler.scheduleWithFixedDelay(retention::runLogged, FIRST_DELAY.toMillis(), INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return retention;
  }

  /** A retention of {@code keep} on {@code clock} that runs only when asked, for tests. */
  static HistoryRetention manual(PredictionStore store, Duration keep, Clock clock) {
    return new HistoryRetention(store, keep, clock, null);
  }

  /**
   * Deletes what is older than the retention now; returns how many predictions went (0 when
   * everything is kept forever).
   *
   * @throws HistoryException when the store fails
   */
  public long runOnce() {
    if (keep.isZero()) {
      return 0;
    }
    Instant cutoff = clock.instant().minus(keep);
    return store.deleteBefore(cutoff);
  }

  private void runLogged() {
    try {
      long started = System.nanoTime();
      long deleted = runOnce();
      if (deleted > 0) {
        LOG.info("history: deleted {} predictions older than {} days from {} in {} ms", deleted, keep.toDays(),
            store.describe(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      }
    } catch (RuntimeException e) {
      LOG.warn("history: retention pass on {} failed, next in {} min: {}", store.describe(), INTERVAL.toMinutes(),
          e.getMessage());
    }
  }

  /** Stops the passes, waiting a little for one under way. */
  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
