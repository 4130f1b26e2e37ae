package io.churnwire.bridge.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;

/**
 * Running totals and samples the bridge keeps for its stats, logs and metrics; every field is safe
 * to read anywhere. What only the consumer may tell (lag, paused partitions) is sampled here by the
 * consumer thread, so nothing else ever calls the consumer.
 */
public final class BridgeCounters {

  /** Responses the broker acknowledged. */
  public final AtomicLong answered = new AtomicLong();
  /** Dead letters the broker acknowledged. */
  public final AtomicLong deadLettered = new AtomicLong();
  /** Dead letters the broker acknowledged whose value was cut to fit; also counted in {@link #deadLettered}. */
  public final AtomicLong truncated = new AtomicLong();
  /** Answers sent again after a retriable producer error or as a smaller dead letter. */
  public final AtomicLong produceRetries = new AtomicLong();
  /** Scoring attempts repeated after a transient error. */
  public final AtomicLong retries = new AtomicLong();
  /** Times the consumer paused its partitions because in-flight records reached the bound. */
  public final AtomicLong pauses = new AtomicLong();
  /** Offset commits that the broker accepted. */
  public final AtomicLong commits = new AtomicLong();
  /** Records polled and not yet committable. */
  public final AtomicInteger inFlight = new AtomicInteger();
  /** The largest {@link #inFlight} ever seen. */
  public final AtomicInteger maxInFlightSeen = new AtomicInteger();
  /** Acknowledged dead letters by their {@code churnwire-error-code}; they add up to {@link #deadLettered}. */
  public final Map<String, LongAdder> deadLetteredByCode = new ConcurrentHashMap<>();
  /** Acknowledged dead letters by their {@code churnwire-reason}; they add up to {@link #deadLettered}. */
  public final Map<String, LongAdder> deadLetteredByReason = new ConcurrentHashMap<>();
  /** Partitions given up because an answer could not be delivered. */
  public final AtomicInteger halted = new AtomicInteger();
  /** Assigned partitions the consumer holds paused, as last sampled by the consumer thread. */
  public final AtomicInteger pausedPartitions = new AtomicInteger();
  /** Records between each assigned partition's position and its end, as last sampled by the consumer thread. */
  public volatile Map<TopicPartition, Long> consumerLag = Map.of();

  /** Outcomes the server stored (its {@code recorded_count}s). */
  public final AtomicLong outcomesRecorded = new AtomicLong();
  /** Outcomes the server already held (its {@code duplicate_count}s), redeliveries among them. */
  public final AtomicLong outcomesDuplicate = new AtomicLong();
  /** Outcome dead letters the broker acknowledged, by their {@code churnwire-reason}. */
  public final Map<String, LongAdder> outcomesDeadLetteredByReason = new ConcurrentHashMap<>();
  /** {@code RecordOutcomes} calls repeated after a transient answer. */
  public final AtomicLong outcomeRetries = new AtomicLong();
  /** 1 while the outcomes are given up because the server cannot record them or a dead letter cannot be delivered. */
  public final AtomicInteger outcomesHalted = new AtomicInteger();
  /** Lag of each assigned outcomes partition, as last sampled by the outcomes consumer's thread. */
  public volatile Map<TopicPartition, Long> outcomeLag = Map.of();

  /** Adds one under {@code key}. */
  static void increment(Map<String, LongAdder> byKey, String key) {
    byKey.computeIfAbsent(key, unused -> new LongAdder()).increment();
  }
}
