package io.churnwire.cli;

import io.churnwire.client.ChurnClient;
import io.churnwire.client.ChurnClientException;
import io.churnwire.v1.PredictRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop-ish asynchronous load generator: one thread issues {@code Predict} calls after a
 * random pause each, every call with its own random deadline, keeping at most {@code concurrency}
 * in flight, until it has issued {@code requests} calls or {@code maxDuration} has passed. Random
 * pauses and deadlines make the traffic bursty and let some calls expire, as real traffic does,
 * which exercises the server's admission control and its dropping of expired work.
 *
 * <p>Both bounds stop it by itself; it only ever calls the one target it is given.
 */
final class LoadGenerator {
  /**
   * @param requests        calls to issue
   * @param concurrency     calls in flight at most
   * @param maxDelay        upper bound of the random pause before each call (0 for none)
   * @param minTimeout      lower bound of each call's random deadline
   * @param maxTimeout      upper bound of each call's random deadline
   * @param invalidPercent  share of calls, in percent, sent with invalid features
   * @param maxDuration     issuing stops after this long even if calls remain
   * @param seed            seed of the random customers, pauses and deadlines
   */
  record Settings(int requests, int concurrency, Duration maxDelay, Duration minTimeout, Duration maxTimeout,
      int invalidPercent, Duration maxDuration, long seed) {
    Settings {
      require(requests >= 1, "requests must be at least 1, got " + requests);
      require(concurrency >= 1, "concurrency must be at least 1, got " + concurrency);
      require(!maxDelay.isNegative(), "max-delay must not be negative, got " + maxDelay);
      require(minTimeout.isPositive(), "min-timeout must be positive, got " + minTimeout);
      require(maxTimeout.compareTo(minTimeout) >= 0,
          "max-timeout (" + maxTimeout + ") must be at least min-timeout (" + minTimeout + ")");
      require(invalidPercent >= 0 && invalidPercent <= 100,
          "invalid-percent must be between 0 and 100, got " + invalidPercent);
      require(maxDuration.isPositive(), "max-duration must be positive, got " + maxDuration);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** A moment of a run, for the progress display. */
  record Progress(int planned, long issued, long completed, long ok, Duration elapsed) {
    long inFlight() {
      return issued - completed;
    }
  }

  private final Settings settings;
  private final Semaphore slots;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final Map<Status.Code, Long> failures = new EnumMap<>(Status.Code.class);
  private final long[] okLatencies;
  private int okLatencyCount;
  private volatile long startNanos;
  private volatile long lastCompletionNanos;

  LoadGenerator(Settings settings) {
    this.settings = settings;
    this.slots = new Semaphore(settings.concurrency());
    this.okLatencies = new long[settings.requests()];
  }

  /** Issues the calls and waits for the last to end; every wait is bounded by the settings. */
  LoadReport run(ChurnClient client, String target) throws InterruptedException {
    SplittableRandom random = new SplittableRandom(settings.seed());
    RandomCustomers customers = new RandomCustomers(random.split());
    long retriesBefore = client.retries();
    startNanos = System.nanoTime();
    long stopIssuingAt = startNanos + settings.maxDuration().toNanos();
    String stoppedBy = "";
    for (int i = 0; i < settings.requests(); i++) {
      long maxDelay = settings.maxDelay().toNanos();
      if (maxDelay > 0) {
        LockSupport.parkNanos(random.nextLong(maxDelay + 1));
      }
      long remaining = stopIssuingAt - System.nanoTime();
      if (remaining <= 0 || !slots.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
        stoppedBy = "max-duration " + settings.maxDuration().toMillis() + " ms reached";
        break;
      }
      PredictRequest request = random.nextInt(100) < settings.invalidPercent()
          ? customers.invalid()
          : customers.valid();
      long timeout = settings.minTimeout().toNanos()
          + random.nextLong(settings.maxTimeout().toNanos() - settings.minTimeout().toNanos() + 1);
      long sentAt = System.nanoTime();
      issued.incrementAndGet();
      client.predictAsync(request, Duration.ofNanos(timeout))
          .whenComplete((response, error) -> complete(sentAt, error));
    }
    long drainNanos = settings.maxTimeout().toNanos() + TimeUnit.SECONDS.toNanos(10);
    if (!slots.tryAcquire(settings.concurrency(), drainNanos, TimeUnit.NANOSECONDS)) {
      stoppedBy = (stoppedBy.isEmpty() ? "" : stoppedBy + "; ")
          + (issued.get() - completed.get()) + " calls never ended";
    }
    synchronized (this) {
      return new LoadReport(target, settings.requests(), completed.get(), ok.get(), failures,
          client.retries() - retriesBefore,
          Duration.ofNanos(Math.max(0, lastCompletionNanos - startNanos)),
          LatencySummary.of(Arrays.copyOf(okLatencies, okLatencyCount)), stoppedBy);
    }
  }

  Progress progress() {
    return new Progress(settings.requests(), issued.get(), completed.get(), ok.get(),
        Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private void complete(long sentAt, Throwable error) {
    long now = System.nanoTime();
    synchronized (this) {
      if (error == null) {
        okLatencies[okLatencyCount++] = now - sentAt;
        ok.incrementAndGet();
      } else {
        failures.merge(ChurnClientException.from(error).code(), 1L, Long::sum);
      }
      lastCompletionNanos = Math.max(lastCompletionNanos, now);
    }
    completed.incrementAndGet();
    slots.release();
  }
}
