package io.churnwire.bridge.internal;

import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-flight records of one assigned partition, in offset order. It enforces the rules that
 * make the bridge at-least-once and order-preserving:
 *
 * <ul>
 *   <li>answers are handed to the sender in offset order, whatever order scoring finishes in,
 *       so answers for one key (one partition) leave in the order their requests arrived;
 *   <li>the committable offset only moves past a record once the broker acknowledged its answer
 *       and the answers of all records before it;
 *   <li>an answer the producer failed to deliver is resent after a backoff, before any later
 *       answer of the partition, up to {@link Delivery#maxAttempts()} sends for retriable errors;
 *       one too large is replaced by a smaller dead letter; after a fatal error or the last
 *       attempt the partition is given up whole ({@link Listener#onUndeliverable}), with nothing
 *       committable past that record.
 * </ul>
 *
 * <p>{@link #complete} runs on gRPC threads, acknowledgements on the producer's I/O thread,
 * {@link #reapAcked} and {@link #abandon} on the consumer thread. Under this lock records are only
 * queued on the {@link RecordSender}, never handed to the producer itself.
 */
public final class PartitionLedger {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionLedger.class);

  /** Hears what happens to the partition's answers; called outside any wait, on the thread that saw it. */
  public interface Listener {
    /** The broker acknowledged the record's answer. */
    void onAcked(InFlightRecord record);

    /** An answer was sent again after a retriable error or as a smaller dead letter. */
    void onResent(InFlightRecord record, Exception error);

    /** The record's answer cannot be delivered; called once, after which the ledger sends nothing. */
    void onUndeliverable(PartitionLedger ledger, InFlightRecord record, Exception error);
  }

  private final TopicPartition partition;
  private final Delivery delivery;
  private final Listener listener;
  private final ArrayDeque<InFlightRecord> uncommitted = new ArrayDeque<>();
  private final ArrayDeque<InFlightRecord> unsent = new ArrayDeque<>();
  private final TreeMap<Long, InFlightRecord> failed = new TreeMap<>();
  private int retryRound;
  private boolean resendScheduled;
  private long committable = -1;
  private boolean abandoned;
  private boolean undeliverable;

  /**
   * @param delivery the sender, resend bound and size limit of its answers
   * @param listener hears about acknowledgements, resends and an undeliverable answer
   */
  public PartitionLedger(TopicPartition partition, Delivery delivery, Listener listener) {
    this.partition = partition;
    this.delivery = delivery;
    this.listener = listener;
  }

  /** The partition this ledger tracks. */
  public TopicPartition partition() {
    return partition;
  }

  /** Registers a freshly polled record; records must arrive in offset order. */
  public synchronized InFlightRecord add(ConsumerRecord<byte[], byte[]> source) {
    var record = new InFlightRecord(source);
    if (abandoned) {
      record.abandon();
      return record;
    }
    uncommitted.addLast(record);
    unsent.addLast(record);
    return record;
  }

  /**
   * Records the answer to a record (cut to size, see {@link AnswerSizeLimit#fit}) and queues every
   * answer that is now at the head of the line. Does nothing once the partition has been abandoned
   * or given up: its next owner answers instead.
   */
  public synchronized void complete(InFlightRecord record, ProducerRecord<byte[], byte[]> answer) {
    if (abandoned || undeliverable || record.isAbandoned()) {
      return;
    }
    record.output(delivery.sizeLimit().fit(record, answer));
    releaseLocked();
  }

  /** Queues the answered head of the line, unless a failed answer waits to be resent first. */
  private void releaseLocked() {
    if (!failed.isEmpty() || undeliverable || abandoned) {
      return;
    }
    while (!unsent.isEmpty() && unsent.peekFirst().output() != null) {
      sendLocked(unsent.pollFirst());
    }
  }

  private void sendLocked(InFlightRecord record) {
    record.sendAttempts++;
    ProducerRecord<byte[], byte[]> sent = record.output();
    delivery.sender().send(sent, (metadata, error) -> onSent(record, sent, error));
  }

  private void onSent(InFlightRecord record, ProducerRecord<byte[], byte[]> sent, Exception error) {
    if (error == null) {
      synchronized (this) {
        if (abandoned || record.isAbandoned()) {
          return;
        }
        record.markAcked();
      }
      listener.onAcked(record);
      return;
    }
    boolean resent = false;
    boolean gaveUp = false;
    synchronized (this) {
      if (abandoned || undeliverable || record.isAbandoned() || record.output() != sent) {
        return;
      }
      switch (ProducerErrorKind.of(error)) {
        case TOO_LARGE -> {
          Optional<ProducerRecord<byte[], byte[]>> smaller = delivery.sizeLimit().shrink(record, sent);
          if (smaller.isPresent()) {
            record.output(smaller.get());
            record.sendAttempts = 0;
            resent = true;
          } else {
            gaveUp = true;
          }
        }
        case RETRIABLE -> {
          resent = record.sendAttempts < delivery.maxAttempts();
          gaveUp = !resent;
        }
        case FATAL -> gaveUp = true;
      }
      if (gaveUp) {
        undeliverable = true;
        failed.clear();
      } else {
        failed.put(record.offset(), record);
        scheduleResendLocked(error);
      }
    }
    if (gaveUp) {
      listener.onUndeliverable(this, record, error);
    } else if (resent) {
      listener.onResent(record, error);
    }
  }

  private void scheduleResendLocked(Exception error) {
    if (resendScheduled) {
      return;
    }
    resendScheduled = true;
    retryRound++;
    long delayMillis = ProducerErrorKind.of(error) == ProducerErrorKind.TOO_LARGE ? 0
        : delivery.backoff().delay(retryRound).toMillis();
    try (Scope scope = failed.firstEntry().getValue().trace().enter()) {
      LOG.warn("Answer to {}-{} not delivered ({}); resending it and what failed after it in {} ms",
          partition, failed.firstKey(), error.toString(), delayMillis);
    }
    delivery.scheduler().schedule(this::resendFailed, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** Resends the failed answers in offset order, then lets the rest of the line follow. */
  private synchronized void resendFailed() {
    resendScheduled = false;
    if (abandoned || undeliverable) {
      return;
    }
    for (InFlightRecord record : failed.values()) {
      sendLocked(record);
    }
    failed.clear();
    releaseLocked();
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
    if (reaped > 0 && failed.isEmpty()) {
      retryRound = 0;
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
   * Gives the partition up: pending answers will not be sent, resends stop. Returns how many
   * records were dropped; they were never committed, so the next owner answers them.
   */
  public synchronized int abandon() {
    abandoned = true;
    int dropped = uncommitted.size();
    uncommitted.forEach(InFlightRecord::abandon);
    uncommitted.clear();
    unsent.clear();
    failed.clear();
    return dropped;
  }
}
