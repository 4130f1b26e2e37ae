package io.churnwire.reliability;

import java.util.Arrays;

/** Latencies of accepted calls, recorded from many threads, read as percentiles once the load stops. */
final class Latencies {
  private long[] nanos = new long[1 << 16];
  private int size;

  synchronized void record(long elapsedNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = elapsedNanos;
  }

  synchronized int count() {
    return size;
  }

  /** The {@code q}-quantile in milliseconds (nearest rank); NaN when nothing was recorded. */
  synchronized double percentileMillis(double q) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
  }
}
