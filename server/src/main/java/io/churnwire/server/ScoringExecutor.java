package io.churnwire.server;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs model scoring off the transport threads, behind explicit admission control.
 *
 * <p>A caller first takes a permit with {@link #tryAdmit()}; only then may it {@link #execute} one
 * task, which gives the permit back when it ends. Permits never exceed the executor's threads plus
 * its bounded queue, so an admitted task is never rejected (a rejected task would leave a gRPC
 * call hanging) and nothing queues without bound. A caller that finds no permit answers
 * {@code RESOURCE_EXHAUSTED} at once, or, for a stream that has already taken the client's
 * message, asks to be {@linkplain #whenCapacity called back} when a permit frees.
 */
public final class ScoringExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScoringExecutor.class);

  private final Semaphore permits;
  private final int capacity;
  private final ThreadPoolExecutor pool;
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  /**
   * @param threads     scoring threads
   * @param maxInFlight tasks admitted at once, running or queued
   */
  public ScoringExecutor(int threads, int maxInFlight) {
    if (threads < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException(
          "threads and maxInFlight must be positive, got " + threads + " and " + maxInFlight);
    }
    this.capacity = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(maxInFlight), namedDaemonThreads(),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** Takes a permit if one is free, without waiting. */
  public boolean tryAdmit() {
    return permits.tryAcquire();
  }

  /** Returns a permit taken with {@link #tryAdmit()} that will not be used. */
  public void release() {
    permits.release();
    wakeOneWaiter();
  }

  /**
   * Runs {@code task} on a scoring thread under a permit the caller already holds; the permit is
   * released when the task ends, whatever its outcome.
   *
   * @throws java.util.concurrent.RejectedExecutionException only after {@link #close()}; the
   *     permit is released before it is thrown, without waking waiters (the executor is closing)
   */
  public void execute(Runnable task) {
    scoreThenDeliver(() -> {
      task.run();
      return null;
    });
  }

  /**
   * Runs {@code scoring} on a scoring thread under a permit the caller already holds, gives the
   * permit back as soon as scoring ends, and only then runs the delivery that scoring returned
   * (writing the answer; null for none). A client that sends its next call the moment it reads an
   * answer thus finds the previous call's permit free again. A delivery that fails (the caller left
   * meanwhile) is logged, never thrown into the pool.
   *
   * @throws java.util.concurrent.RejectedExecutionException as {@link #execute(Runnable)}
   */
  public void scoreThenDeliver(Supplier<Runnable> scoring) {
    try {
      pool.execute(() -> {
        Runnable delivery;
        try {
          delivery = scoring.get();
        } finally {
          release();
        }
        if (delivery != null) {
          try {
            delivery.run();
          } catch (RuntimeException e) {
            log.debug("could not deliver an answer: {}", e.toString());
          }
        }
      });
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /**
   * Calls {@code callback} once, on a scoring thread or the releasing thread, after the next
   * permit is released. The callback must try {@link #tryAdmit()} again, and re-register if it
   * loses the race. A caller registers at most one callback at a time, so waiters are bounded by
   * the number of open streams.
   */
  public void whenCapacity(Runnable callback) {
    waiters.add(callback);
    if (permits.availablePermits() > 0) {
      wakeOneWaiter();
    }
  }

  /** Permits currently taken, for metrics and tests. */
  public int inFlight() {
    return capacity - permits.availablePermits();
  }

  public int capacity() {
    return capacity;
  }

  private void wakeOneWaiter() {
    Runnable waiter = waiters.poll();
    if (waiter != null) {
      waiter.run();
    }
  }

  /** Stops taking tasks and waits for running ones up to {@code timeout}. */
  public boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
    pool.shutdown();
    return pool.awaitTermination(timeout, unit);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static ThreadFactory namedDaemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "churnwire-scoring-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
