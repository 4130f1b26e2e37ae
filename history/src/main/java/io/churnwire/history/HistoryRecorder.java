package io.churnwire.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records predictions without holding up the caller: {@link #record} only offers to a bounded
 * queue, and one daemon thread writes what is queued in batches. When the store fails, the batch
 * in hand is kept and retried with a back-off (0.1 s doubling to 5 s) while the queue absorbs new
 * predictions; what does not fit is dropped and counted, with at most one warning every 10 s, and
 * recording resumes by itself once the store answers. A batch the store keeps refusing while it
 * answers other calls is given up after a few attempts, so one bad record cannot stop recording.
 */
public final class HistoryRecorder implements AutoCloseable {
  /** Most predictions written in one transaction. */
  static final int MAX_BATCH = 2_000;
  /** Longest a prediction waits in the queue for company before it is written. */
  static final Duration LINGER = Duration.ofMillis(200);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** Attempts at a batch the store refuses while it passes its check, before the batch is dropped. */
  static final int REFUSALS = 3;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);

  private final PredictionStore store;
  private final RecorderListener listener;
  private final Duration flushTimeout;
  private final int capacity;
  private final ArrayBlockingQueue<PredictionRecord> queue;
  private final Thread writer;
  private final Object wakeUp = new Object();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedSinceWarning = new AtomicLong();
  private final AtomicLong nextDropWarning = new AtomicLong(System.nanoTime());
  private volatile boolean available = true;
  private volatile boolean closing;
  private volatile long flushDeadline;
  private List<PredictionRecord> pending = List.of();

  private HistoryRecorder(PredictionStore store, HistoryConfig config, RecorderListener listener) {
    this.store = store;
    this.listener = listener;
    this.flushTimeout = config.flushTimeout();
    this.capacity = config.queueCapacity();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofPlatform().name("history-writer").daemon().unstarted(this::run);
  }

  /**
   * Starts recording into {@code store}, with {@code config}'s queue capacity and flush timeout.
   * The store stays the caller's to close, after this recorder.
   */
  public static HistoryRecorder start(PredictionStore store, HistoryConfig config, RecorderListener listener) {
    HistoryRecorder recorder = new HistoryRecorder(Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(listener, "listener"));
    recorder.writer.start();
    return recorder;
  }

  /**
   * Queues {@code record} to be written; never blocks.
   *
   * @return false when it was dropped: the queue is full, or the recorder is closed
   */
  public boolean record(PredictionRecord record) {
    Objects.requireNonNull(record, "record");
    if (!closing && queue.offer(record)) {
      return true;
    }
    drop(1);
    return false;
  }

  /** Predictions given up so far. */
  public long dropped() {
    return dropped.get();
  }

  /** Predictions written so far. */
  public long written() {
    return written.get();
  }

  /** Predictions waiting to be written, including a batch being retried. */
  public int queued() {
    return queue.size() + pendingSize();
  }

  /** Whether the last write succeeded (true until one fails). */
  public boolean storeAvailable() {
    return available;
  }

  /**
   * Stops taking predictions and writes everything queued, waiting at most the config's flush
   * timeout; what is still unwritten then is counted as dropped and logged.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    flushDeadline = System.nanoTime() + flushTimeout.toNanos();
    closing = true;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    try {
      writer.join(flushTimeout.plusSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("history: the writer is still inside a write to {} after {} ms; {} predictions left unwritten",
          store.describe(), flushTimeout.toMillis(), queued());
    }
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    int refusals = 0;
    long nextFailureWarning = System.nanoTime();
    long failuresSinceWarning = 0;
    while (true) {
      List<PredictionRecord> batch = pending.isEmpty() ? nextBatch() : pending;
      if (batch.isEmpty()) {
        if (closing) {
          return;
        }
        continue;
      }
      if (closing && System.nanoTime() - flushDeadline > 0) {
        giveUp(batch);
        return;
      }
      long started = System.nanoTime();
      try {
        store.append(batch);
        long nanos = System.nanoTime() - started;
        setPending(List.of());
        written.addAndGet(batch.size());
        listener.written(batch.size(), nanos);
        backoff = FIRST_BACKOFF;
        refusals = 0;
        if (!available) {
          available = true;
          LOG.info("history: {} answers again; recording resumed", store.describe());
          listener.storeAvailable();
        }
      } catch (RuntimeException e) {
        setPending(batch);
        HistoryException failure = e instanceof HistoryException history ? history
            : new HistoryException(store.describe() + ": append failed: " + e, e);
        if (available) {
          available = false;
          listener.storeUnavailable(failure);
        }
        failuresSinceWarning++;
        if (System.nanoTime() - nextFailureWarning >= 0) {
          LOG.warn("history: writing {} predictions failed ({} attempts since the last warning), retrying; "
              + "{} queued of {}: {}", batch.size(), failuresSinceWarning, queued(), capacity, failure.getMessage());
          failuresSinceWarning = 0;
          nextFailureWarning = System.nanoTime() + WARN_EVERY_NANOS;
        }
        if (storeAnswers() && ++refusals >= REFUSALS) {
          LOG.warn("history: {} refuses a batch of {} predictions while it answers; batch dropped: {}",
              store.describe(), batch.size(), failure.getMessage());
          setPending(List.of());
          drop(batch.size());
          refusals = 0;
        }
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /** Up to {@link #MAX_BATCH} predictions, waiting up to {@link #LINGER} after the first for more. */
  private List<PredictionRecord> nextBatch() {
    List<PredictionRecord> batch = new ArrayList<>();
    try {
      PredictionRecord first = queue.poll(closing ? 0 : 100, TimeUnit.MILLISECONDS);
      if (first == null) {
        return batch;
      }
      batch.add(first);
      long deadline = System.nanoTime() + LINGER.toNanos();
      while (batch.size() < MAX_BATCH) {
        queue.drainTo(batch, MAX_BATCH - batch.size());
        long left = deadline - System.nanoTime();
        if (batch.size() >= MAX_BATCH || closing || left <= 0) {
          break;
        }
        PredictionRecord next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
        if (next != null) {
          batch.add(next);
        }
      }
    } catch (InterruptedException e) {
      // The writer is this recorder's own thread and stops through close(), not interruption.
    }
    return batch;
  }

  private boolean storeAnswers() {
    try {
      store.check();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits {@code backoff}, or less when a stop asks for a flush. */
  private void pause(Duration backoff) {
    long wait = backoff.toMillis();
    if (closing) {
      wait = Math.min(wait, Math.max(0, TimeUnit.NANOSECONDS.toMillis(flushDeadline - System.nanoTime())));
    }
    if (wait <= 0) {
      return;
    }
    synchronized (wakeUp) {
      try {
        wakeUp.wait(wait);
      } catch (InterruptedException e) {
        // As in nextBatch: only close() stops the writer.
      }
    }
  }

  /** Counts everything still unwritten after a stop ran out of time as dropped. */
  private void giveUp(List<PredictionRecord> batch) {
    List<PredictionRecord> rest = new ArrayList<>(batch);
    queue.drainTo(rest);
    setPending(List.of());
    drop(rest.size());
    LOG.warn("history: {} predictions not written to {} within {} ms of stopping; dropped", rest.size(),
        store.describe(), flushTimeout.toMillis());
  }

  private void drop(int count) {
    dropped.addAndGet(count);
    droppedSinceWarning.addAndGet(count);
    listener.dropped(count);
    long due = nextDropWarning.get();
    long now = System.nanoTime();
    if (now - due >= 0 && nextDropWarning.compareAndSet(due, now + WARN_EVERY_NANOS)) {
      LOG.warn("history: dropped {} predictions since the last warning ({} in all; queue capacity {}, store {} {})",
          droppedSinceWarning.getAndSet(0), dropped.get(), capacity, store.describe(),
          available ? "answering" : "unavailable");
    }
  }

  private synchronized void setPending(List<PredictionRecord> batch) {
    pending = batch;
  }

  private synchronized int pendingSize() {
    return pending.size();
  }
}
