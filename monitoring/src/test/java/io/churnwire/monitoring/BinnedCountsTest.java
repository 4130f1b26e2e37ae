package io.churnwire.monitoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureReference;
import org.junit.jupiter.api.Test;

class BinnedCountsTest {

  private static final FeatureReference NUMERIC =
      new FeatureReference(new double[] {1, 2}, new double[] {0.3, 0.3, 0.4}, 10);
  private static final FeatureReference CATEGORICAL =
      new FeatureReference(new double[0], new double[] {0.2, 0.3, 0.5}, 10);

  @Test
  void of_numeric_countsIntoTheReferenceBinsWithUpperEdgesInclusive() {
    BinnedCounts counts = BinnedCounts.of(NUMERIC, -5, 1, 1.5, 2, 2.0001, 3);

    assertArrayEquals(new long[] {2, 2, 2}, counts.counts());
    assertEquals(0, counts.unseen());
    assertEquals(6, counts.total());
  }

  @Test
  void of_categorical_countsByLevelIndex() {
    BinnedCounts counts = BinnedCounts.of(CATEGORICAL, 0, 2, 2, 1, 2);

    assertArrayEquals(new long[] {1, 1, 3}, counts.counts());
    assertEquals(0, counts.unseen());
  }

  @Test
  void of_categoricalLevelUnseenInTraining_isCountedApartAsUnseen() {
    BinnedCounts counts = BinnedCounts.of(CATEGORICAL, 0, -1, 3, 1.5, Double.NaN, 1);

    assertArrayEquals(new long[] {1, 1, 0}, counts.counts());
    assertEquals(4, counts.unseen());
    assertEquals(4 / 6.0, counts.unseenShare().orElseThrow());
  }

  @Test
  void of_numericNotANumber_isUnseen() {
    BinnedCounts counts = BinnedCounts.of(NUMERIC, Double.NaN, 1);

    assertArrayEquals(new long[] {1, 0, 0}, counts.counts());
    assertEquals(1, counts.unseen());
  }

  @Test
  void empty_hasTheReferenceBinsAndNoUnseenShare() {
    BinnedCounts counts = BinnedCounts.empty(CATEGORICAL);

    assertEquals(3, counts.bins());
    assertEquals(0, counts.total());
    assertTrue(counts.unseenShare().isEmpty());
  }

  @Test
  void plus_addsBinByBin() {
    BinnedCounts sum = BinnedCounts.of(CATEGORICAL, 0, 1).plus(BinnedCounts.of(CATEGORICAL, 1, 7));

    assertEquals(new BinnedCounts(new long[] {1, 2, 0}, 1), sum);
  }

  @Test
  void plus_differentBins_isRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> BinnedCounts.empty(CATEGORICAL).plus(new BinnedCounts(new long[2], 0)));
  }

  @Test
  void negativeCount_isRejectedNamingTheBin() {
    var e = assertThrows(IllegalArgumentException.class, () -> new BinnedCounts(new long[] {1, -2}, 0));

    assertTrue(e.getMessage().contains("bin 1"), e.getMessage());
  }

  @Test
  void numericReferenceWhoseFrequenciesDoNotMatchItsEdges_isRejected() {
    var broken = new FeatureReference(new double[] {1, 2}, new double[] {0.5, 0.5}, 10);

    var e = assertThrows(IllegalArgumentException.class, () -> BinnedCounts.of(broken, 1));

    assertTrue(e.getMessage().contains("needs 3 frequencies"), e.getMessage());
  }
}
