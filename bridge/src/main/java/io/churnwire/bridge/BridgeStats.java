package io.churnwire.bridge;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A snapshot of what one bridge instance has done, for logs, operators and tests.
 *
 * @param answered responses the broker acknowledged
 * @param deadLettered dead letters the broker acknowledged
 * @param truncated of those, dead letters whose value was cut to fit the broker
 * @param retries scoring attempts repeated after transient errors
 * @param produceRetries answers sent again after retriable producer errors, or smaller
 * @param pauses times the partitions were paused because the in-flight bound was reached
 * @param commits offset commits the broker accepted
 * @param inFlight records polled and not yet committable
 * @param maxInFlightSeen the largest {@code inFlight} so far; never above the configured bound
 * @param paused whether the partitions are paused right now
 * @param assignment the request partitions this instance owns
 * @param halted partitions given up because an answer could not be delivered, with the record and error;
 *     and outcomes partitions while the outcomes are given up, with why
 * @param outcomesRecorded outcomes the server stored
 * @param outcomesDuplicate outcomes the server already held (redeliveries among them)
 * @param outcomesDeadLettered outcome dead letters the broker acknowledged
 * @param outcomeAssignment the outcomes partitions this instance owns
 */
public record BridgeStats(
    long answered,
    long deadLettered,
    long truncated,
    long retries,
    long produceRetries,
    long pauses,
    long commits,
    int inFlight,
    int maxInFlightSeen,
    boolean paused,
    Set<TopicPartition> assignment,
    Map<TopicPartition, String> halted,
    long outcomesRecorded,
    long outcomesDuplicate,
    long outcomesDeadLettered,
    Set<TopicPartition> outcomeAssignment) {}
