package io.churnwire.bridge.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bridge's OpenTelemetry instruments. The counts are observed from {@link BridgeCounters},
 * which the stats already keep, so nothing is counted twice; only the end-to-end time is recorded
 * here, as a histogram (never a summary, so it aggregates across instances).
 *
 * <p>Exposed to Prometheus as {@code churnwire_bridge_consumer_lag{topic,partition}},
 * {@code _records_in_flight}, {@code _partitions_paused}, {@code _answered_total{status}},
 * {@code _dead_lettered_total{reason}}, {@code _retries_total{kind}},
 * {@code _answers_truncated_total}, {@code _halted}, {@code _end_to_end_duration_seconds}, and for the
 * outcomes topic {@code _outcomes_total{result}} and {@code _outcomes_dead_lettered_total{reason}}.
 */
public final class BridgeMetrics {

  /** Instrumentation scope of the bridge's meter. */
  public static final String SCOPE = "io.churnwire.bridge";

  /** From a millisecond, the timestamps' resolution, to the minute a record may wait for retries. */
  static final List<Double> END_TO_END_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
      1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  private static final AttributeKey<String> TOPIC = AttributeKey.stringKey("topic");
  private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("partition");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  private static final Attributes OK = Attributes.of(STATUS, "OK");
  private static final Attributes ITEM = Attributes.of(KIND, "item");
  private static final Attributes PRODUCE = Attributes.of(KIND, "produce");
  private static final Attributes OUTCOMES = Attributes.of(KIND, "outcomes");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  private static final Attributes RECORDED = Attributes.of(RESULT, "recorded");
  private static final Attributes DUPLICATE = Attributes.of(RESULT, "duplicate");

  private final DoubleHistogram endToEnd;

  /** Registers the instruments on {@code meter}, reading {@code counters} at each collection. */
  public BridgeMetrics(Meter meter, BridgeCounters counters) {
    meter.gaugeBuilder("churnwire.bridge.consumer.lag").ofLongs()
        .setDescription("Records between the consumer's position and the end of each assigned request partition")
        .buildWithCallback(gauge -> {
          counters.consumerLag.forEach((partition, lag) -> gauge.record(lag,
              Attributes.of(TOPIC, partition.topic(), PARTITION, Integer.toString(partition.partition()))));
          counters.outcomeLag.forEach((partition, lag) -> gauge.record(lag,
              Attributes.of(TOPIC, partition.topic(), PARTITION, Integer.toString(partition.partition()))));
        });
    meter.upDownCounterBuilder("churnwire.bridge.records.in_flight")
        .setDescription("Records polled and not yet committable")
        .buildWithCallback(gauge -> gauge.record(counters.inFlight.get()));
    meter.upDownCounterBuilder("churnwire.bridge.partitions.paused")
        .setDescription("Assigned request partitions paused (in-flight bound reached, or given up)")
        .buildWithCallback(gauge -> gauge.record(counters.pausedPartitions.get()));
    meter.counterBuilder("churnwire.bridge.answered")
        .setDescription("Requests whose answer the broker acknowledged, by status: OK for a response, else the"
            + " dead letter's error code")
        .buildWithCallback(counter -> {
          counter.record(counters.answered.get(), OK);
          observe(counters.deadLetteredByCode, STATUS, counter::record);
        });
    meter.counterBuilder("churnwire.bridge.dead_lettered")
        .setDescription("Dead letters the broker acknowledged, by reason")
        .buildWithCallback(counter -> observe(counters.deadLetteredByReason, REASON, counter::record));
    meter.counterBuilder("churnwire.bridge.retries")
        .setDescription("Scoring attempts repeated after transient errors (item), answers sent again (produce)"
            + " and RecordOutcomes calls repeated after transient answers (outcomes)")
        .buildWithCallback(counter -> {
          counter.record(counters.retries.get(), ITEM);
          counter.record(counters.produceRetries.get(), PRODUCE);
          counter.record(counters.outcomeRetries.get(), OUTCOMES);
        });
    meter.counterBuilder("churnwire.bridge.outcomes")
        .setDescription("Outcomes the server accepted, by result: recorded (stored) or duplicate (already held)")
        .buildWithCallback(counter -> {
          counter.record(counters.outcomesRecorded.get(), RECORDED);
          counter.record(counters.outcomesDuplicate.get(), DUPLICATE);
        });
    meter.counterBuilder("churnwire.bridge.outcomes.dead_lettered")
        .setDescription("Outcome dead letters the broker acknowledged, by reason")
        .buildWithCallback(counter -> observe(counters.outcomesDeadLetteredByReason, REASON, counter::record));
    meter.counterBuilder("churnwire.bridge.answers.truncated")
        .setDescription("Dead letters acknowledged with their value cut to fit the broker")
        .buildWithCallback(counter -> counter.record(counters.truncated.get()));
    meter.gaugeBuilder("churnwire.bridge.halted").ofLongs()
        .setDescription("1 while a partition is given up because an answer could not be delivered, or the"
            + " outcomes because the server cannot record them")
        .buildWithCallback(gauge -> gauge.record(counters.halted.get() + counters.outcomesHalted.get() > 0 ? 1 : 0));
    this.endToEnd = meter.histogramBuilder("churnwire.bridge.end_to_end.duration")
        .setUnit("s")
        .setDescription("From the request record's timestamp to the broker's acknowledgement of its answer")
        .setExplicitBucketBoundariesAdvice(END_TO_END_BUCKETS)
        .build();
  }

  /** Instruments nobody reads, for loops run without telemetry. */
  public static BridgeMetrics unobserved(BridgeCounters counters) {
    return new BridgeMetrics(MeterProvider.noop().get(SCOPE), counters);
  }

  /**
   * Records the end-to-end time of an answer acknowledged at {@code ackedAtMillis}; a record
   * without a timestamp is left out, a clock behind the producer's counts as zero.
   */
  void answered(InFlightRecord record, long ackedAtMillis) {
    long timestamp = record.source().timestamp();
    if (timestamp >= 0) {
      endToEnd.record(Math.max(0, ackedAtMillis - timestamp) / 1000.0);
    }
  }

  private interface Recorder {
    void record(long value, Attributes attributes);
  }

  private static void observe(Map<String, LongAdder> byKey, AttributeKey<String> key, Recorder recorder) {
    byKey.forEach((value, count) -> recorder.record(count.sum(), Attributes.of(key, value)));
  }
}
