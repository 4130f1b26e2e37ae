package io.churnwire.bridge.internal;

import java.util.ArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands answers to the producer from a thread of its own. {@code producer.send} may block (for
 * metadata or buffer space, up to {@code max.block.ms}), so it must run neither on the gRPC
 * callback thread, which delivers every scoring answer, nor under a partition's lock. Records
 * leave in the order they were queued, which keeps each partition's offset order; a send that
 * throws reports the error through its callback like one the broker refused.
 */
public final class AnswerSender implements RecordSender, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerSender.class);

  private record Send(ProducerRecord<byte[], byte[]> record, Callback callback) {}

  private static final Send STOP = new Send(null, null);

  private final Producer<byte[], byte[]> producer;
  private final LinkedBlockingQueue<Send> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  /** Starts the sending thread; {@code producer} stays owned by the caller. */
  public AnswerSender(Producer<byte[], byte[]> producer, String threadName) {
    this.producer = producer;
    this.thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
  }

  /** Queues the record; never blocks, so it is safe under a lock. */
  @Override
  public void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    queue.add(new Send(record, callback));
  }

  private void run() {
    var batch = new ArrayList<Send>();
    try {
      while (true) {
        batch.add(queue.take());
        // Takes what else is waiting at once: a poll's answers arrive together, and one wake-up per answer costs more
        // than sending it.
        queue.drainTo(batch);
        for (Send next : batch) {
          if (next == STOP) {
            return;
          }
          try {
            producer.send(next.record(), next.callback());
          } catch (RuntimeException e) {
            next.callback().onCompletion(null, e);
          }
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      LOG.debug("Answer sender interrupted with {} answers queued", queue.size());
    }
  }

  /**
   * Sends what is queued, then stops; records queued afterwards are never sent (their offsets
   * were not committed, so they are answered again).
   */
  @Override
  public void close() {
    queue.add(STOP);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }
}
