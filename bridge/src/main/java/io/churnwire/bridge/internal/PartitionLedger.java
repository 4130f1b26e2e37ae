package io.churnwire.bridge.internal;

import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The in-flight records of one assigned partition, in offset order. It enforces the two rules that
 * make the bridge at-least-once and order-preserving:
 *
 * <ul>
 *   <li>answers are handed to the producer in offset order, whatever order scoring finishes in,
 *       so answers for one key (one partition) leave in the order their requests arrived;
 *   <li>the committable offset only moves past a record once the broker acknowledged its answer
 *       and the answers of all records before it.
 * </ul>
 *
 * <p>{@link #complete} runs on gRPC threads, {@link #reapAcked} and {@link #abandon} on the
 * consumer thread. Acknowledgements only set a flag on the record, so the producer's I/O thread
 * never waits for this lock.
 */
public final class PartitionLedger {

  private final TopicPartition partition;
  private final RecordSender sender;
  private final BiConsumer<InFlightRecord, Exception> onAck;
  private final ArrayDeque<InFlightRecord> uncommitted = new ArrayDeque<>();
  private final ArrayDeque<InFlightRecord> unsent = new ArrayDeque<>();
  private long committable = -1;
  private boolean abandoned;

  /**
   * @param onAck called on the producer's I/O thread with the record and the send error, or null
   *     on success, after the record has been marked acknowledged
   */
  public PartitionLedger(TopicPartition partition, RecordSender sender,
      BiConsumer<InFlightRecord, Exception> onAck) {
    this.partition = partition;
    this.sender = sender;
    this.onAck = onAck;
  }

  /** The partition this ledger tracks. */
  public TopicPartition partition() {
    return partition;
  }

  /** Registers a freshly polled record; records must arrive in offset order. */
  public synchronized InFlightRecord add(ConsumerRecord<byte[], byte[]> source) {
    var record = new InFlightRecord(source);
    uncommitted.addLast(record);
    unsent.addLast(record);
    return record;
  }

  /**
   * Records the answer to a record and sends every answer that is now at the head of the line.
   * Does nothing once the partition has been abandoned: its new owner answers instead.
   */
  public synchronized void complete(InFlightRecord record, ProducerRecord<byte[], byte[]> answer) {
    if (abandoned || record.isAbandoned()) {
      return;
    }
    record.output(answer);
    while (!unsent.isEmpty() && unsent.peekFirst().output() != null) {
      InFlightRecord next = unsent.pollFirst();
      sender.send(next.output(), (metadata, error) -> {
        if (error == null) {
          next.markAcked();
        }
        onAck.accept(next, error);
      });
    }
  }

  /**
   * Drops the acknowledged records at the head and returns how many were dropped; afterwards
   * {@link #committableOffset()} is the offset after the last of them.
   */
  public synchronized int reapAcked() {
    int reaped = 0;
    while (!uncommitted.isEmpty() && uncommitted.peekFirst().isAcked()) {
      committable = uncommitted.pollFirst().offset() + 1;
      reaped++;
    }
    return reaped;
  }

  /** The next offset to commit, or -1 when nothing has been acknowledged since assignment. */
  public synchronized long committableOffset() {
    return committable;
  }

  /** Records polled and not yet reaped. */
  public synchronized int size() {
    return uncommitted.size();
  }

  /**
   * Gives the partition up: pending answers will not be sent, retries stop. Returns how many
   * records were dropped; they were never committed, so the next owner answers them.
   */
  public synchronized int abandon() {
    abandoned = true;
    int dropped = uncommitted.size();
    uncommitted.forEach(InFlightRecord::abandon);
    uncommitted.clear();
    unsent.clear();
    return dropped;
  }
}
