package io.churnwire.monitoring;

import io.churnwire.runtime.FeatureReference;
import java.util.Arrays;

/** Training references built the way training builds them, for tests of served drift. */
final class References {

  private References() {}

  /** Decile edges of {@code values}, repeated edges merged, and the share of values per bin. */
  static FeatureReference deciles(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] edges = new double[9];
    int count = 0;
    for (int k = 1; k < 10; k++) {
      double edge = sorted[Math.min(sorted.length - 1, (int) Math.ceil(k * sorted.length / 10.0) - 1)];
      if (count == 0 || edge > edges[count - 1]) {
        edges[count++] = edge;
      }
    }
    return withShares(Arrays.copyOf(edges, count), values);
  }

  /** The share of {@code levels} (level indices) per level of a categorical feature. */
  static FeatureReference levels(int levelCount, double[] levels) {
    return withShares(new double[0], levels, levelCount);
  }

  private static FeatureReference withShares(double[] edges, double[] values) {
    return withShares(edges, values, edges.length + 1);
  }

  private static FeatureReference withShares(double[] edges, double[] values, int bins) {
    var shape = new FeatureReference(edges, new double[bins], values.length);
    double[] frequencies = new double[bins];
    for (double value : values) {
      frequencies[shape.bin(value)] += 1.0 / values.length;
    }
    return new FeatureReference(edges, frequencies, values.length);
  }
}
