package io.churnwire.bridge.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, so many bridges retrying against a recovering server do not
 * hit it in lockstep.
 */
public record Backoff(Duration initial, Duration max) {

  /** Validates that both delays are positive and initial is not above max. */
  public Backoff {
    if (initial.isNegative() || initial.isZero() || initial.compareTo(max) > 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** The delay before attempt {@code attempt} (1 for the first retry): half fixed, half random. */
  public Duration delay(int attempt) {
    int shift = Math.min(Math.max(attempt, 1) - 1, 30);
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << shift);
    long half = Math.max(1, ceiling / 2);
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}
