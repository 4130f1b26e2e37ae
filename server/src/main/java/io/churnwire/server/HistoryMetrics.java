package io.churnwire.server;

import io.churnwire.history.HistoryException;
import io.churnwire.history.RecorderListener;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The prediction history's metrics: what the recorder wrote, dropped and how long its writes took,
 * how many predictions wait, and whether the store answers. {@code churnwire_history_dropped_total}
 * is what an alert watches: a store that is slow or down costs history, never predictions.
 */
final class HistoryMetrics implements RecorderListener {
  /** Bucket bounds, in seconds, of one batched write: milliseconds when healthy, seconds when not. */
  private static final List<Double> WRITE_BUCKETS =
      List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  private final Meter meter;
  private final LongCounter recorded;
  private final LongCounter dropped;
  private final LongCounter outages;
  private final DoubleHistogram writeDuration;

  HistoryMetrics(Meter meter) {
    this.meter = meter;
    this.recorded = meter.counterBuilder("churnwire.history.recorded").setUnit("{prediction}")
        .setDescription("Predictions written to the history store.").build();
    this.dropped = meter.counterBuilder("churnwire.history.dropped").setUnit("{prediction}")
        .setDescription("Predictions not recorded because the history queue was full (store slow or down).").build();
    this.outages = meter.counterBuilder("churnwire.history.store_outages").setUnit("{outage}")
        .setDescription("Times the history writer found its store unreachable (it keeps its batch and retries).").build();
    this.writeDuration = meter.histogramBuilder("churnwire.history.write.duration").setUnit("s")
        .setDescription("Time to write one batch of predictions to the history store.")
        .setExplicitBucketBoundariesAdvice(WRITE_BUCKETS).build();
    dropped.add(0);
    outages.add(0);
  }

  /** Observes the predictions waiting in the recorder's queue and whether the store answered its last check. */
  void observe(IntSupplier queued, BooleanSupplier storeUp) {
    meter.gaugeBuilder("churnwire.history.queue_depth").ofLongs().setUnit("{prediction}")
        .setDescription("Predictions waiting to be written to the history store.")
        .buildWithCallback(gauge -> gauge.record(queued.getAsInt()));
    meter.gaugeBuilder("churnwire.history.store_up").ofLongs()
        .setDescription("1 while the history store answers its health check, else 0.")
        .buildWithCallback(gauge -> gauge.record(storeUp.getAsBoolean() ? 1 : 0));
  }

  @Override
  public void written(int count, long nanos) {
    recorded.add(count);
    writeDuration.record(nanos / 1e9);
  }

  @Override
  public void dropped(int count) {
    dropped.add(count);
  }

  @Override
  public void storeUnavailable(HistoryException e) {
    outages.add(1);
  }
}
