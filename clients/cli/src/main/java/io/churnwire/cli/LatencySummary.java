package io.churnwire.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles of a set of latencies, by the nearest-rank method (the smallest recorded value that at
 * least p percent of values do not exceed), so every figure is a latency that was actually seen.
 */
record LatencySummary(int count, Duration min, Duration p50, Duration p90, Duration p99, Duration p999,
    Duration max) {

  static LatencySummary of(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencySummary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
          Duration.ZERO, Duration.ZERO);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new LatencySummary(sorted.length,
        Duration.ofNanos(sorted[0]),
        Duration.ofNanos(rank(sorted, 500)),
        Duration.ofNanos(rank(sorted, 900)),
        Duration.ofNanos(rank(sorted, 990)),
        Duration.ofNanos(rank(sorted, 999)),
        Duration.ofNanos(sorted[sorted.length - 1]));
  }

  /** The value at the nearest rank {@code ceil(perMille / 1000 * n)}, in integers to avoid rounding up 99.9 %. */
  private static long rank(long[] sorted, long perMille) {
    long rank = (perMille * sorted.length + 999) / 1000;
    return sorted[(int) Math.max(0, rank - 1)];
  }

  String format() {
    if (count == 0) {
      return "no successful calls";
    }
    return String.format(Locale.ROOT, "min %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
        millis(min), millis(p50), millis(p90), millis(p99), millis(p999), millis(max));
  }

  static String millis(Duration duration) {
    return String.format(Locale.ROOT, "%.2f ms", duration.toNanos() / 1e6);
  }
}
