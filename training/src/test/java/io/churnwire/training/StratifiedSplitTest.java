package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

  /** 1,000 labels, the first 260 churned. */
  private static int[] labels() {
    return IntStream.range(0, 1000).map(i -> i < 260 ? 1 : 0).toArray();
  }

  private static int positives(int[] labels, int[] index) {
    return Arrays.stream(index).map(i -> labels[i]).sum();
  }

  @Test
  void holdout_keepsClassRatioInBothParts() {
    int[] labels = labels();

    var split = StratifiedSplit.holdout(labels, 0.2, 42);

    assertEquals(200, split.test().length);
    assertEquals(52, positives(labels, split.test()));
    assertEquals(800, split.train().length);
    assertEquals(208, positives(labels, split.train()));
  }

  @Test
  void holdout_partsAreDisjointAndCoverAllRows() {
    var split = StratifiedSplit.holdout(labels(), 0.2, 42);

    int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.test())).sorted().toArray();

    assertArrayEquals(IntStream.range(0, 1000).toArray(), all);
  }

  @Test
  void holdout_sameSeedSameSplit_otherSeedOtherSplit() {
    var first = StratifiedSplit.holdout(labels(), 0.2, 42);
    var again = StratifiedSplit.holdout(labels(), 0.2, 42);
    var other = StratifiedSplit.holdout(labels(), 0.2, 43);

    assertArrayEquals(first.test(), again.test());
    assertFalse(Arrays.equals(first.test(), other.test()));
  }

  @Test
  void holdout_classTooSmallForBothParts_throws() {
    int[] labels = {1, 0, 0, 0, 0, 0, 0, 0};

    assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.holdout(labels, 0.2, 1));
  }

  @Test
  void folds_spreadEachClassEvenly() {
    int[] labels = labels();

    int[] fold = StratifiedSplit.folds(labels, 3, 42);

    for (int f = 0; f < 3; f++) {
      int finalF = f;
      int[] members = IntStream.range(0, labels.length).filter(i -> fold[i] == finalF).toArray();
      int churned = positives(labels, members);
      assertEquals(333, members.length, 1.0, "rows in fold " + f);
      assertEquals(86.7, churned, 1.0, "churned rows in fold " + f);
    }
  }
}
