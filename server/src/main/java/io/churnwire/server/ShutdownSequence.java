package io.churnwire.server;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What SIGTERM and SIGINT do: health {@code NOT_SERVING} for every service at once, calls still
 * served for {@code --drain-delay-seconds} so a load balancer's health check or a readiness probe
 * takes the replica out first, then the drain (new calls refused, calls in flight finish up to
 * {@code --drain-timeout-seconds}). A second signal during the delay ends the delay; one during the
 * drain returns at once, as before.
 */
final class ShutdownSequence {
  private static final int RUNNING = 0;
  private static final int DELAYING = 1;
  private static final int DRAINING = 2;

  private final ServerApplication application;
  private final Duration delay;
  private final PrintStream out;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final CountDownLatch delayEnded = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  ShutdownSequence(ServerApplication application, Duration delay, PrintStream out) {
    this.application = application;
    this.delay = delay;
    this.out = out;
  }

  /**
   * One stop request (a signal, the shutdown hook). The first runs the whole sequence and returns
   * once the server has stopped; one during the delay ends it and waits for the stop too; one
   * during the drain returns at once.
   */
  void stop() throws InterruptedException {
    if (state.compareAndSet(RUNNING, DELAYING)) {
      try {
        application.stopServingHealth();
        if (!delay.isZero()) {
          out.println("churnwire: health NOT_SERVING; still serving for " + delay.toSeconds()
              + " s (--drain-delay-seconds) before draining");
          if (!delayEnded.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
            out.println("churnwire: drain delay over");
          } else {
            out.println("churnwire: drain delay ended early by a second signal");
          }
        }
        state.set(DRAINING);
        out.println("churnwire: draining");
        application.close();
        out.println("churnwire: stopped");
      } finally {
        stopped.countDown();
      }
    } else if (state.get() == DELAYING) {
      delayEnded.countDown();
      stopped.await();
    }
  }

  /** Whether the sequence has finished: the server has stopped. */
  boolean stopped() {
    return stopped.getCount() == 0;
  }

  /** Blocks until the sequence has finished. */
  void awaitStopped() throws InterruptedException {
    stopped.await();
  }
}
