package io.churnwire.history;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * How the served values of one feature column fell: per bin for a numeric column, per stored level
 * for a categorical one, and how many predictions did not carry the feature.
 *
 * @param binCounts numeric columns: {@code binEdges.length + 1} counts; empty for categorical ones
 * @param levelCounts categorical columns: count per stored level (a {@code churnwire.v1} enum value
 *     name); empty for numeric ones
 * @param missing predictions without a value for the column
 */
public record FeatureCounts(long[] binCounts, Map<String, Long> levelCounts, long missing) {
  /** Copies the counts. */
  public FeatureCounts {
    binCounts = binCounts.clone();
    levelCounts = Map.copyOf(levelCounts);
  }

  @Override
  public long[] binCounts() {
    return binCounts.clone();
  }

  /** Equal when the counts are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof FeatureCounts that && Arrays.equals(binCounts, that.binCounts)
        && levelCounts.equals(that.levelCounts) && missing == that.missing;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(binCounts), levelCounts, missing);
  }

  @Override
  public String toString() {
    return "FeatureCounts[binCounts=" + Arrays.toString(binCounts) + ", levelCounts=" + levelCounts + ", missing="
        + missing + "]";
  }
}
