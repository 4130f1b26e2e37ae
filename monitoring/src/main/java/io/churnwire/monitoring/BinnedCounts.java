package io.churnwire.monitoring;

import io.churnwire.runtime.FeatureReference;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Served values of one feature counted into the bins of its training reference, so that drift is
 * measured on exactly the bins the training distribution was measured on. Values that no bin of
 * the reference holds are counted apart as unseen: a categorical level index outside the
 * training levels (for example the -1 that {@code FeatureSpec.levelIndex} gives for an unknown
 * level), a categorical value that is not a whole number, or a value that is not a number at all.
 *
 * @param counts served values per reference bin, in bin order
 * @param unseen served values outside every bin
 */
public record BinnedCounts(long[] counts, long unseen) {

  /** Copies the counts and checks that none is negative. */
  public BinnedCounts {
    counts = counts.clone();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("count of bin " + i + " is negative: " + counts[i]);
      }
    }
    if (unseen < 0) {
      throw new IllegalArgumentException("unseen count is negative: " + unseen);
    }
  }

  /** No values yet, in the bins of {@code reference}. */
  public static BinnedCounts empty(FeatureReference reference) {
    return new BinnedCounts(new long[bins(reference)], 0);
  }

  /** {@code values} counted into the bins of {@code reference}. */
  public static BinnedCounts of(FeatureReference reference, double... values) {
    long[] counts = new long[bins(reference)];
    boolean categorical = reference.binEdges().length == 0;
    long unseen = 0;
    for (double value : values) {
      int bin = binOf(reference, categorical, counts.length, value);
      if (bin < 0) {
        unseen++;
      } else {
        counts[bin]++;
      }
    }
    return new BinnedCounts(counts, unseen);
  }

  /** These counts and {@code other}'s together, for example two hours of one window. */
  public BinnedCounts plus(BinnedCounts other) {
    if (other.counts.length != counts.length) {
      throw new IllegalArgumentException(
          "cannot add counts over " + other.counts.length + " bins to counts over " + counts.length);
    }
    long[] sum = counts.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] = Math.addExact(sum[i], other.counts[i]);
    }
    return new BinnedCounts(sum, Math.addExact(unseen, other.unseen));
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  /** The number of bins, which is the reference's. */
  public int bins() {
    return counts.length;
  }

  /** All values counted, unseen ones included. */
  public long total() {
    long total = unseen;
    for (long count : counts) {
      total = Math.addExact(total, count);
    }
    return total;
  }

  /** The share of the values that no bin holds; empty when no value was counted. */
  public OptionalDouble unseenShare() {
    long total = total();
    return total == 0 ? OptionalDouble.empty() : OptionalDouble.of(unseen / (double) total);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BinnedCounts that && unseen == that.unseen && Arrays.equals(counts, that.counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(counts) + Long.hashCode(unseen);
  }

  @Override
  public String toString() {
    return "BinnedCounts[counts=" + Arrays.toString(counts) + ", unseen=" + unseen + "]";
  }

  /** The number of bins of {@code reference}, checking that its edges and frequencies agree. */
  static int bins(FeatureReference reference) {
    int edges = reference.binEdges().length;
    int bins = reference.frequencies().length;
    if (edges > 0 && bins != edges + 1) {
      throw new IllegalArgumentException(
          "a numeric reference with " + edges + " bin edges needs " + (edges + 1)
              + " frequencies, got " + bins);
    }
    if (bins == 0) {
      throw new IllegalArgumentException("a reference needs at least one bin");
    }
    return bins;
  }

  private static int binOf(FeatureReference reference, boolean categorical, int bins, double value) {
    if (Double.isNaN(value)) {
      return -1;
    }
    if (categorical && !(value == Math.rint(value) && value >= 0 && value < bins)) {
      return -1;
    }
    return reference.bin(value);
  }
}
