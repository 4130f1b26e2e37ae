package io.churnwire.server;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs model scoring off the transport threads, behind explicit admission control.
 *
 * <p>Capacity is counted in permits, one per unit of scoring cost (see {@link ScoringCost}): a
 * plain item costs one, an explained item more. A caller first takes the permits of its work with
 * {@link #tryAdmit(int)}; only then may it {@link #scoreThenDeliver hand over} one task, which gives
 * them back when scoring ends. A cost above the whole capacity is charged as the whole capacity, so
 * any work gets through an idle server. Tasks never exceed the executor's threads plus its bounded
 * queue, so an admitted task is never rejected (a rejected task would leave a gRPC call hanging)
 * and nothing queues without bound. A caller that finds no permit answers
 * {@code RESOURCE_EXHAUSTED} at once, or, for work it has already accepted, asks to be
 * {@linkplain #whenCapacity called back} when permits free.
 *
 * <p>Wake-ups run on the releasing thread with no lock held, and a wake-up the woken caller does
 * not use (it left, or needs more permits than are free) passes on to the next waiter, so freed
 * capacity never sits idle while someone waits.
 *
 * <p>Tasks and wake-ups run with the {@link TaskContext} of the thread that handed them over, so
 * what they log names their own call's request and trace.
 */
public final class ScoringExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScoringExecutor.class);

  private final Semaphore permits;
  private final int capacity;
  private final ThreadPoolExecutor pool;
  private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  /**
   * @param threads     scoring threads
   * @param maxInFlight permits: units of scoring cost admitted at once, running or queued
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

  /** A registration made with {@link #whenCapacity}; cancel it when the caller leaves. */
  public final class Waiter {
    private final int needs;
    private final Runnable callback;
    private final AtomicBoolean pending = new AtomicBoolean(true);

    private Waiter(int needs, Runnable callback) {
      this.needs = needs;
      this.callback = callback;
    }

    /** Takes the registration out of the queue; the callback does not start after this returns. */
    public void cancel() {
      pending.set(false);
      waiters.remove(this);
    }

    boolean fire() {
      return pending.compareAndSet(true, false);
    }
  }

  /** Takes one permit if one is free, without waiting. */
  public boolean tryAdmit() {
    return tryAdmit(1);
  }

  /** Takes the permits of work costing {@code cost} if they are free, without waiting. */
  public boolean tryAdmit(int cost) {
    return permits.tryAcquire(charge(cost));
  }

  /** Returns one permit taken with {@link #tryAdmit()} that will not be used. */
  public void release() {
    release(1);
  }

  /** Returns the permits of work costing {@code cost} that will not be used. */
  public void release(int cost) {
    permits.release(charge(cost));
    wakeWaiters();
  }

  /**
   * Runs {@code task} on a scoring thread under one permit the caller already holds; the permit is
   * released when the task ends, whatever its outcome.
   *
   * @throws java.util.concurrent.RejectedExecutionException only after {@link #close()}; the
   *     permit is released before it is thrown, without waking waiters (the executor is closing)
   */
  public void execute(Runnable task) {
    scoreThenDeliver(1, () -> {
      task.run();
      return null;
    });
  }

  /** {@link #scoreThenDeliver(int, Supplier)} for work costing one permit. */
  public void scoreThenDeliver(Supplier<Runnable> scoring) {
    scoreThenDeliver(1, scoring);
  }

  /**
   * Runs {@code scoring} on a scoring thread under the permits of {@code cost} the caller already
   * holds, gives them back as soon as scoring ends, and only then runs the delivery that scoring
   * returned (writing the answer; null for none). A client that sends its next call the moment it
   * reads an answer thus finds the previous call's permits free again. Scoring must answer its own
   * failures; a throwable that still escapes scoring or the delivery is logged as one line, never
   * thrown into the pool.
   *
   * @throws java.util.concurrent.RejectedExecutionException as {@link #execute(Runnable)}
   */
  public void scoreThenDeliver(int cost, Supplier<Runnable> scoring) {
    int charged = charge(cost);
    try {
      pool.execute(TaskContext.carry(() -> {
        Runnable delivery = null;
        try {
          delivery = scoring.get();
        } catch (Throwable t) {
          log.error("a scoring task failed without answering its call: {}", t.toString());
        } finally {
          permits.release(charged);
          wakeWaiters();
        }
        if (delivery != null) {
          try {
            delivery.run();
          } catch (Throwable t) {
            log.debug("could not deliver an answer: {}", t.toString());
          }
        }
      }));
    } catch (RuntimeException e) {
      permits.release(charged);
      throw e;
    }
  }

  /** {@link #whenCapacity(int, Runnable)} for work costing one permit. */
  public Waiter whenCapacity(Runnable callback) {
    return whenCapacity(1, callback);
  }

  /**
   * Calls {@code callback} once, on the releasing thread, when the permits of {@code cost} are free
   * (at once if they are free now). The callback must try {@link #tryAdmit(int)} again, and
   * register again if it loses the race. A caller keeps at most one registration at a time, so
   * waiters are bounded by the number of open calls, and cancels it when it leaves.
   */
  public Waiter whenCapacity(int cost, Runnable callback) {
    Waiter waiter = new Waiter(charge(cost), TaskContext.carry(callback));
    waiters.add(waiter);
    if (permits.availablePermits() >= waiter.needs) {
      wakeWaiters();
    }
    return waiter;
  }

  /** Permits currently taken, for metrics and tests. */
  public int inFlight() {
    return capacity - permits.availablePermits();
  }

  public int capacity() {
    return capacity;
  }

  /** Waiters registered and not yet called back, for tests. */
  int waiting() {
    return waiters.size();
  }

  /**
   * Calls back, in turn, the waiters whose permits are free. Each waiter present when this starts
   * is looked at once per pass: one that needs more than is free goes back to the queue for the
   * next release, as does one that registers again because it lost a race, so none can spin.
   */
  private void wakeWaiters() {
    for (int budget = waiters.size(); budget > 0 && permits.availablePermits() > 0; budget--) {
      Waiter waiter = waiters.poll();
      if (waiter == null) {
        return;
      }
      if (permits.availablePermits() < waiter.needs) {
        if (waiter.pending.get()) {
          waiters.add(waiter);
        }
        continue;
      }
      if (!waiter.fire()) {
        continue;
      }
      try {
        waiter.callback.run();
      } catch (Throwable t) {
        log.error("a capacity callback failed: {}", t.toString());
      }
    }
  }

  private int charge(int cost) {
    return Math.clamp(cost, 1, capacity);
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
