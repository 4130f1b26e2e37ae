package io.churnwire.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs history queries off the transport and scoring threads, on a few threads with a short queue:
 * an analytical query may take a while, and a flood of them is refused at once
 * ({@code RESOURCE_EXHAUSTED}) rather than queued without bound or allowed to slow scoring.
 */
final class InsightsExecutor implements AutoCloseable {
  private final ThreadPoolExecutor pool;

  InsightsExecutor(int threads, int queued) {
    AtomicInteger created = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queued),
        task -> {
          Thread thread = new Thread(task, "churnwire-insights-" + created.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** How many queries may run or wait at once; beyond, {@link #submit} refuses. */
  int capacity() {
    return pool.getMaximumPoolSize() + pool.getQueue().remainingCapacity() + pool.getQueue().size();
  }

  /**
   * Runs {@code query} when a thread is free.
   *
   * @return false, having done nothing, when every thread is busy and the queue is full
   */
  boolean submit(Runnable query) {
    try {
      pool.execute(query);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
