package io.churnwire.bridge.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces out sends to a target rate by deadline rather than by sleeping a fixed gap, so time spent
 * sending does not lower the rate and a late start catches up.
 */
public final class Pacer {

  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private long count;

  /** A pacer for {@code perSecond} events a second; zero or less means no pacing. */
  public Pacer(double perSecond) {
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
  }

  /** Blocks until the next event is due. */
  public void awaitNext() {
    if (intervalNanos == 0) {
      return;
    }
    long due = startNanos + count++ * intervalNanos;
    long wait;
    while ((wait = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
