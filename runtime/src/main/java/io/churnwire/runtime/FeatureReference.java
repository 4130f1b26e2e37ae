package io.churnwire.runtime;

/**
 * How one feature was distributed over the training rows, so that served traffic can be compared
 * with what the model learned from.
 *
 * @param binEdges numeric features: ascending edges; bin 0 is {@code (-inf, e0]}, bin i is
 *     {@code (e(i-1), e(i)]}, the last bin {@code (e(last), +inf)}; empty for categorical ones
 * @param frequencies share of the training rows per bin, or per level of a categorical feature
 * @param rows training rows the distribution was measured on
 */
public record FeatureReference(double[] binEdges, double[] frequencies, long rows) {

  /** Copies the arrays. */
  public FeatureReference {
    binEdges = binEdges.clone();
    frequencies = frequencies.clone();
  }

  @Override
  public double[] binEdges() {
    return binEdges.clone();
  }

  @Override
  public double[] frequencies() {
    return frequencies.clone();
  }

  /** The bin of {@code value} for a numeric feature, or the level itself for a categorical one. */
  public int bin(double value) {
    if (binEdges.length == 0) {
      return (int) value;
    }
    int low = 0;
    int high = binEdges.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (value <= binEdges[mid]) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }
}
