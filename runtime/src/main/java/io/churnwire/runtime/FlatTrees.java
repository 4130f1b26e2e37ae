package io.churnwire.runtime;

import io.churnwire.model.v1.Tree;
import java.util.List;

/**
 * The trees of an ensemble laid out for scoring: every node of every tree in one set of parallel
 * arrays, each tree's nodes contiguous and the two children of a node adjacent ({@code right =
 * left + 1}), so a walk touches few cache lines and takes its branch without a jump.
 *
 * <p>A node sends a row left when {@code value <= threshold} or when the value's level bit is set
 * in {@code mask}. A numeric node has mask 0; a categorical node has threshold {@code -inf} (a
 * level index is never below it), so one branch-free test serves both kinds.
 */
final class FlatTrees {
  final int[] roots;
  final int[] feature;
  final double[] threshold;
  final long[] mask;
  /** Index of the left child; -1 for a leaf. */
  final int[] left;
  final double[] value;
  final double[] cover;
  final int maxDepth;

  private FlatTrees(int[] roots, int nodes, int maxDepth) {
    this.roots = roots;
    this.feature = new int[nodes];
    this.threshold = new double[nodes];
    this.mask = new long[nodes];
    this.left = new int[nodes];
    this.value = new double[nodes];
    this.cover = new double[nodes];
    this.maxDepth = maxDepth;
  }

  /** Lays out validated trees; {@code categorical[j]} tells whether feature j is categorical. */
  static FlatTrees of(List<Tree> trees, boolean[] categorical, int maxDepth) {
    int total = 0;
    for (Tree tree : trees) {
      total += tree.getFeatureCount();
    }
    FlatTrees flat = new FlatTrees(new int[trees.size()], total, maxDepth);
    int next = 0;
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      flat.roots[t] = next;
      // Breadth-first: a node's children are placed next to each other as they are reached.
      int[] source = new int[tree.getFeatureCount()];
      int head = 0;
      int tail = 0;
      source[tail++] = 0;
      int placed = next + 1;
      while (head < tail) {
        int from = source[head];
        int to = next + head;
        head++;
        int f = tree.getFeature(from);
        flat.feature[to] = Math.max(f, 0);
        flat.value[to] = tree.getValue(from);
        flat.cover[to] = tree.getCover(from);
        if (f < 0) {
          flat.left[to] = -1;
          flat.threshold[to] = Double.POSITIVE_INFINITY;
          continue;
        }
        if (categorical[f]) {
          flat.threshold[to] = Double.NEGATIVE_INFINITY;
          flat.mask[to] = tree.getLevelMask(from);
        } else {
          flat.threshold[to] = tree.getThreshold(from);
        }
        flat.left[to] = placed;
        placed += 2;
        source[tail++] = tree.getLeft(from);
        source[tail++] = tree.getRight(from);
      }
      next += tree.getFeatureCount();
    }
    return flat;
  }

  /** The leaf value that {@code rows[offset ..]} reaches in tree {@code t}. */
  double leafValue(int t, double[] rows, int offset) {
    int n = roots[t];
    int child;
    while ((child = left[n]) >= 0) {
      double x = rows[offset + feature[n]];
      n = goesLeft(n, x) ? child : child + 1;
    }
    return value[n];
  }

  boolean goesLeft(int n, double x) {
    return x <= threshold[n] | ((mask[n] >>> (int) x) & 1L) != 0;
  }
}
