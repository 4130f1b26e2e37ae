package io.churnwire.runtime;

import io.churnwire.model.v1.Tree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores ensembles of small trees (at most 64 leaves each, such as gradient boosting's) without
 * walking them, after QuickScorer (Lucchese et al., SIGIR 2015). The leaves of each tree are
 * numbered left to right and a row starts with every leaf possible; each test the row fails (it
 * goes right) rules out the leaves of that node's left subtree, and the leaf the row reaches is
 * then the leftmost one left, the lowest set bit. The tests are visited feature by feature: for a
 * numeric feature, in ascending order of threshold, stopping at the first one the value does not
 * exceed; for a categorical one, the list of tests that send that level right. There is no chain of
 * dependent loads and almost no branch to mispredict, so the processor runs the work in parallel.
 * The leaf values are added in four interleaved partial sums, which shortens the chain of
 * dependent additions; the result differs from a sum in tree order by rounding only (far below
 * 1e-12), and single rows and blocks share this code, so they agree exactly.
 */
final class QuickScorer {
  private static final int MAX_LEAVES = 64;

  /** Per feature, the first entry of its tests in the numeric arrays. */
  private final int[] numericStart;
  private final double[] thresholds;
  private final int[] numericTree;
  private final long[] numericMask;
  /** Per feature and level ({@code levelStart[f] + level}), the first entry of its tests. */
  private final int[] levelStart;
  private final int[] categoricalStart;
  private final int[] categoricalTree;
  private final long[] categoricalMask;
  private final boolean[] categorical;
  /**
   * Per tree, its leaf values already multiplied by the tree's factor, at {@code t << shift}; the
   * same product the sum would form, formed once.
   */
  private final double[] weightedLeaves;
  private final int shift;
  private final long[] allLeaves;

  private QuickScorer(int[] numericStart, double[] thresholds, int[] numericTree, long[] numericMask,
      int[] levelStart, int[] categoricalStart, int[] categoricalTree, long[] categoricalMask,
      boolean[] categorical, double[] weightedLeaves, int shift, long[] allLeaves) {
    this.numericStart = numericStart;
    this.thresholds = thresholds;
    this.numericTree = numericTree;
    this.numericMask = numericMask;
    this.levelStart = levelStart;
    this.categoricalStart = categoricalStart;
    this.categoricalTree = categoricalTree;
    this.categoricalMask = categoricalMask;
    this.categorical = categorical;
    this.weightedLeaves = weightedLeaves;
    this.shift = shift;
    this.allLeaves = allLeaves;
  }

  private record Test(int feature, double threshold, int level, int tree, long mask) {}

  /**
   * The scorer for validated trees whose leaf values are multiplied by {@code factors[t]}, or null
   * when a tree has more than 64 leaves.
   */
  static QuickScorer of(List<Tree> trees, FeatureSchema schema, double[] factors) {
    int p = schema.size();
    boolean[] categorical = new boolean[p];
    int[] levels = new int[p];
    for (int j = 0; j < p; j++) {
      categorical[j] = schema.get(j).isCategorical();
      levels[j] = categorical[j] ? schema.get(j).levels().size() : 0;
    }
    List<Test> numeric = new ArrayList<>();
    List<Test> nominal = new ArrayList<>();
    int[] leafBase = new int[trees.size()];
    long[] allLeaves = new long[trees.size()];
    List<Double> values = new ArrayList<>();
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      int n = tree.getFeatureCount();
      int[] firstLeaf = new int[n];
      int[] leafCount = new int[n];
      leafBase[t] = values.size();
      if (number(tree, 0, values, firstLeaf, leafCount) > MAX_LEAVES) {
        return null;
      }
      int leaves = leafCount[0];
      allLeaves[t] = leaves == 64 ? -1L : (1L << leaves) - 1;
      for (int node = 0; node < n; node++) {
        int f = tree.getFeature(node);
        if (f < 0) {
          continue;
        }
        int left = tree.getLeft(node);
        long leftLeaves = span(firstLeaf[left] - leafBase[t], leafCount[left]);
        long mask = ~leftLeaves;
        if (categorical[f]) {
          long goesLeft = tree.getLevelMask(node);
          for (int level = 0; level < levels[f]; level++) {
            if ((goesLeft >>> level & 1L) == 0) {
              nominal.add(new Test(f, 0, level, t, mask));
            }
          }
        } else {
          numeric.add(new Test(f, tree.getThreshold(node), 0, t, mask));
        }
      }
    }
    numeric.sort(Comparator.comparingInt(Test::feature).thenComparingDouble(Test::threshold)
        .thenComparingInt(Test::tree));
    nominal.sort(Comparator.comparingInt(Test::feature).thenComparingInt(Test::level).thenComparingInt(Test::tree));
    int[] numericStart = new int[p + 1];
    for (Test test : numeric) {
      numericStart[test.feature() + 1]++;
    }
    for (int j = 0; j < p; j++) {
      numericStart[j + 1] += numericStart[j];
    }
    int[] levelStart = new int[p + 1];
    for (int j = 0; j < p; j++) {
      levelStart[j + 1] = levelStart[j] + levels[j];
    }
    int[] categoricalStart = new int[levelStart[p] + 1];
    for (Test test : nominal) {
      categoricalStart[levelStart[test.feature()] + test.level() + 1]++;
    }
    for (int k = 0; k < levelStart[p]; k++) {
      categoricalStart[k + 1] += categoricalStart[k];
    }
    return new QuickScorer(numericStart,
        numeric.stream().mapToDouble(Test::threshold).toArray(),
        numeric.stream().mapToInt(Test::tree).toArray(),
        numeric.stream().mapToLong(Test::mask).toArray(),
        levelStart, categoricalStart,
        nominal.stream().mapToInt(Test::tree).toArray(),
        nominal.stream().mapToLong(Test::mask).toArray(),
        categorical, weighted(values, leafBase, allLeaves, factors), shiftFor(allLeaves), allLeaves);
  }

  private static int shiftFor(long[] allLeaves) {
    int most = 1;
    for (long leaves : allLeaves) {
      most = Math.max(most, Long.bitCount(leaves));
    }
    return 32 - Integer.numberOfLeadingZeros(most - 1);
  }

  private static double[] weighted(List<Double> values, int[] leafBase, long[] allLeaves, double[] factors) {
    int shift = shiftFor(allLeaves);
    double[] weighted = new double[allLeaves.length << shift];
    for (int t = 0; t < allLeaves.length; t++) {
      int leaves = Long.bitCount(allLeaves[t]);
      for (int k = 0; k < leaves; k++) {
        weighted[(t << shift) + k] = factors[t] * values.get(leafBase[t] + k);
      }
    }
    return weighted;
  }

  /** Numbers the leaves under {@code node} left to right; returns how many there are. */
  private static int number(Tree tree, int node, List<Double> values, int[] firstLeaf, int[] leafCount) {
    firstLeaf[node] = values.size();
    if (tree.getFeature(node) < 0) {
      values.add(tree.getValue(node));
      leafCount[node] = 1;
    } else {
      leafCount[node] = number(tree, tree.getLeft(node), values, firstLeaf, leafCount)
          + number(tree, tree.getRight(node), values, firstLeaf, leafCount);
    }
    return leafCount[node];
  }

  private static long span(int first, int count) {
    long bits = count == 64 ? -1L : (1L << count) - 1;
    return bits << first;
  }

  /** A buffer of per-tree leaf sets for {@link #sum}; one thread uses it at a time. */
  long[] workspace() {
    return new long[allLeaves.length];
  }

  /**
   * {@code initial + sum(factors[t] * leaf of tree t)} for the row at {@code rows[offset ..]};
   * {@code live} is a {@link #workspace}.
   */
  double sum(double[] rows, int offset, double initial, long[] live) {
    System.arraycopy(allLeaves, 0, live, 0, live.length);
    for (int f = 0; f < categorical.length; f++) {
      double x = rows[offset + f];
      if (categorical[f]) {
        int k = levelStart[f] + (int) x;
        for (int i = categoricalStart[k], end = categoricalStart[k + 1]; i < end; i++) {
          live[categoricalTree[i]] &= categoricalMask[i];
        }
      } else {
        for (int i = numericStart[f], end = numericStart[f + 1]; i < end && x > thresholds[i]; i++) {
          live[numericTree[i]] &= numericMask[i];
        }
      }
    }
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int t = 0;
    for (; t + 4 <= live.length; t += 4) {
      a0 += weightedLeaves[(t << shift) + Long.numberOfTrailingZeros(live[t])];
      a1 += weightedLeaves[((t + 1) << shift) + Long.numberOfTrailingZeros(live[t + 1])];
      a2 += weightedLeaves[((t + 2) << shift) + Long.numberOfTrailingZeros(live[t + 2])];
      a3 += weightedLeaves[((t + 3) << shift) + Long.numberOfTrailingZeros(live[t + 3])];
    }
    for (; t < live.length; t++) {
      a0 += weightedLeaves[(t << shift) + Long.numberOfTrailingZeros(live[t])];
    }
    return initial + ((a0 + a1) + (a2 + a3));
  }
}
