package io.churnwire.history;

import java.util.Arrays;
import java.util.Objects;

/**
 * How to count the served values of one feature column: a numeric column into the bins of
 * {@code binEdges} (bin 0 is {@code (-inf, e0]}, bin i is {@code (e(i-1), e(i)]}, the last bin
 * {@code (e(last), +inf)}, as a model's training reference has them), a categorical column, given
 * no edges, by the level stored.
 *
 * @param column a feature column of the predictions table, e.g. {@code tenure_in_months}
 * @param binEdges ascending edges; empty for a categorical column
 */
public record FeatureBinning(String column, double[] binEdges) {
  /** Copies the edges. */
  public FeatureBinning {
    Objects.requireNonNull(column, "column");
    binEdges = binEdges.clone();
  }

  @Override
  public double[] binEdges() {
    return binEdges.clone();
  }

  /** Equal when the column and the edges are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof FeatureBinning that && column.equals(that.column) && Arrays.equals(binEdges, that.binEdges);
  }

  @Override
  public int hashCode() {
    return 31 * column.hashCode() + Arrays.hashCode(binEdges);
  }

  @Override
  public String toString() {
    return "FeatureBinning[column=" + column + ", binEdges=" + Arrays.toString(binEdges) + "]";
  }

  /** Whether the column is counted by level. */
  public boolean categorical() {
    return binEdges.length == 0;
  }
}
