package io.churnwire.bridge.internal;

import java.time.Duration;

/**
 * How long a record answered transiently ({@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, ...) is
 * retried before it is dead-lettered: whichever of the two limits it reaches first.
 *
 * @param maxAttempts answers to the record, the last one included
 * @param maxAge time since the record was first sent
 */
public record ItemRetryBound(int maxAttempts, Duration maxAge) {

  /** Checks both limits are positive. */
  public ItemRetryBound {
    if (maxAttempts < 1 || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("need maxAttempts >= 1 and a positive maxAge, got " + maxAttempts
          + " and " + maxAge);
    }
  }

  /** True when a record answered {@code attempts} times, first sent at {@code firstSentNanos}, must not be retried. */
  public boolean exhausted(int attempts, long firstSentNanos, long nowNanos) {
    return attempts >= maxAttempts || nowNanos - firstSentNanos >= maxAge.toNanos();
  }
}
