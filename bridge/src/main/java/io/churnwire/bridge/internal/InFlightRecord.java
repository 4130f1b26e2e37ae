package io.churnwire.bridge.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed request from the moment it is polled until the broker acknowledges its answer (a
 * response or a dead letter). It keeps the original record because a dead letter carries it
 * unchanged.
 */
public final class InFlightRecord {

  private final ConsumerRecord<byte[], byte[]> source;
  private final TopicPartition partition;
  private volatile Encoding encoding;
  private volatile String correlationId;
  private volatile RecordTrace trace = RecordTrace.NONE;
  private volatile ProducerRecord<byte[], byte[]> output;
  private volatile boolean acked;
  private volatile boolean abandoned;
  /** Sends of its current answer so far; guarded by its partition's ledger. */
  int sendAttempts;

  InFlightRecord(ConsumerRecord<byte[], byte[]> source) {
    this.source = source;
    this.partition = new TopicPartition(source.topic(), source.partition());
  }

  /** The record as consumed. */
  public ConsumerRecord<byte[], byte[]> source() {
    return source;
  }

  /** The partition it came from. */
  public TopicPartition partition() {
    return partition;
  }

  /** Its offset in that partition. */
  public long offset() {
    return source.offset();
  }

  /** {@code topic-partition-offset}, the id used in logs and as the stem of its item ids in scoring calls. */
  public String describe() {
    return source.topic() + "-" + source.partition() + "-" + source.offset();
  }

  /** The encoding its answer uses; null when the record could not be decoded. */
  public Encoding encoding() {
    return encoding;
  }

  /** The correlation id its answer carries. */
  public String correlationId() {
    return correlationId;
  }

  void describeAnswer(Encoding answerEncoding, String answerCorrelationId) {
    this.encoding = answerEncoding;
    this.correlationId = answerCorrelationId;
  }

  /** Its request id and trace context; {@link RecordTrace#NONE} until the consumer loop set them. */
  public RecordTrace trace() {
    return trace;
  }

  void trace(RecordTrace recordTrace) {
    this.trace = recordTrace;
  }

  ProducerRecord<byte[], byte[]> output() {
    return output;
  }

  void output(ProducerRecord<byte[], byte[]> record) {
    this.output = record;
  }

  /** True once the broker acknowledged the answer; the offset may then be committed. */
  public boolean isAcked() {
    return acked;
  }

  void markAcked() {
    acked = true;
  }

  /** True when its partition was revoked or lost: whatever is still pending for it is dropped. */
  public boolean isAbandoned() {
    return abandoned;
  }

  void abandon() {
    abandoned = true;
    trace.dropped("not answered by this instance: its partition was revoked, lost or given up");
  }
}
