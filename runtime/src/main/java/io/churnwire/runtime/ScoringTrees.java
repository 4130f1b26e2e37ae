package io.churnwire.runtime;

import io.churnwire.model.v1.Tree;
import java.util.Arrays;
import java.util.List;

/**
 * The trees of an ensemble laid out for the fastest walk the JVM allows, when every categorical
 * test is a contiguous range of levels (as the trainer always writes).
 *
 * <p>Every test becomes an interval: a row goes left when {@code lo <= value <= hi}; a numeric node
 * has {@code lo = -inf, hi = threshold}, a categorical node the range of its levels widened by half
 * a level. A step is then branch-free: the sign bits of {@code hi - x} and {@code x - lo} say
 * whether the row goes right, and the two children of a node are adjacent, so the next node is
 * {@code left + sign}. A leaf is its own left child with an interval that holds every value, so
 * stepping from it stays on it. That lets four walks (four trees of one row, or one tree of four
 * rows) advance together until all four rest on leaves: their chains of dependent loads overlap in
 * the processor instead of following one another, and nothing mispredicts but the end of a group.
 * Sums still add the trees in order, so every path gives the same value to the last bit.
 */
final class ScoringTrees {
  /** Rows that pass through one tree before the next tree is taken. */
  private static final int BLOCK = 256;

  private final int[] roots;
  /** Per node: {@code lo, hi}. */
  private final double[] bounds;
  /** Per node: left child (the node itself for a leaf), feature. */
  private final int[] links;
  private final double[] values;

  private ScoringTrees(int[] roots, double[] bounds, int[] links, double[] values) {
    this.roots = roots;
    this.bounds = bounds;
    this.links = links;
    this.values = values;
  }

  /**
   * Lays out validated trees, or returns null when a categorical test is not a contiguous range of
   * levels (then the general {@link FlatTrees} walk scores them).
   */
  static ScoringTrees of(List<Tree> trees, boolean[] categorical) {
    for (Tree tree : trees) {
      for (int n = 0; n < tree.getFeatureCount(); n++) {
        int f = tree.getFeature(n);
        if (f >= 0 && categorical[f] && !contiguous(tree.getLevelMask(n))) {
          return null;
        }
      }
    }
    Builder builder = new Builder();
    int[] roots = new int[trees.size()];
    for (int t = 0; t < trees.size(); t++) {
      roots[t] = builder.add(trees.get(t), categorical);
    }
    return builder.build(roots);
  }

  private static boolean contiguous(long mask) {
    long shifted = mask >>> Long.numberOfTrailingZeros(mask);
    return (shifted & (shifted + 1)) == 0;
  }

  /**
   * {@code initial + sum(factors[t] * leaf of tree t)} for the row at {@code rows[offset ..]},
   * added in tree order.
   */
  double sum(double[] rows, int offset, double initial, double[] factors) {
    double acc = initial;
    int count = roots.length;
    int t = 0;
    for (; t + 4 <= count; t += 4) {
      int n0 = roots[t];
      int n1 = roots[t + 1];
      int n2 = roots[t + 2];
      int n3 = roots[t + 3];
      while (true) {
        n0 = step(n0, rows[offset + links[2 * n0 + 1]]);
        n1 = step(n1, rows[offset + links[2 * n1 + 1]]);
        n2 = step(n2, rows[offset + links[2 * n2 + 1]]);
        n3 = step(n3, rows[offset + links[2 * n3 + 1]]);
        if (((links[2 * n0] - n0) | (links[2 * n1] - n1) | (links[2 * n2] - n2) | (links[2 * n3] - n3)) == 0) {
          break;
        }
      }
      acc += factors[t] * values[n0];
      acc += factors[t + 1] * values[n1];
      acc += factors[t + 2] * values[n2];
      acc += factors[t + 3] * values[n3];
    }
    for (; t < count; t++) {
      acc += factors[t] * values[walk(roots[t], rows, offset)];
    }
    return acc;
  }

  /**
   * {@link #sum} for {@code count} rows of {@code stride} values each, into {@code out}: trees in the
   * outer loop, so a tree's nodes stay in the first-level cache while the rows pass through it.
   */
  void sums(double[] rows, int count, int stride, double initial, double[] factors, double[] out) {
    java.util.Arrays.fill(out, 0, count, initial);
    for (int start = 0; start < count; start += BLOCK) {
      int end = Math.min(count, start + BLOCK);
      for (int t = 0; t < roots.length; t++) {
        int root = roots[t];
        double factor = factors[t];
        int r = start;
        for (; r + 4 <= end; r += 4) {
          int o0 = r * stride;
          int o1 = o0 + stride;
          int o2 = o1 + stride;
          int o3 = o2 + stride;
          int n0 = root;
          int n1 = root;
          int n2 = root;
          int n3 = root;
          while (true) {
            n0 = step(n0, rows[o0 + links[2 * n0 + 1]]);
            n1 = step(n1, rows[o1 + links[2 * n1 + 1]]);
            n2 = step(n2, rows[o2 + links[2 * n2 + 1]]);
            n3 = step(n3, rows[o3 + links[2 * n3 + 1]]);
            if (((links[2 * n0] - n0) | (links[2 * n1] - n1) | (links[2 * n2] - n2) | (links[2 * n3] - n3)) == 0) {
              break;
            }
          }
          out[r] += factor * values[n0];
          out[r + 1] += factor * values[n1];
          out[r + 2] += factor * values[n2];
          out[r + 3] += factor * values[n3];
        }
        for (; r < end; r++) {
          out[r] += factor * values[walk(root, rows, r * stride)];
        }
      }
    }
  }

  private int walk(int n, double[] rows, int offset) {
    while (links[2 * n] != n) {
      n = step(n, rows[offset + links[2 * n + 1]]);
    }
    return n;
  }

  private int step(int n, double x) {
    long right = Double.doubleToRawLongBits(bounds[2 * n + 1] - x) | Double.doubleToRawLongBits(x - bounds[2 * n]);
    return links[2 * n] + (int) (right >>> 63);
  }

  /** Appends trees breadth-first, children in adjacent pairs. */
  private static final class Builder {
    private double[] bounds = new double[1024];
    private int[] links = new int[1024];
    private double[] values = new double[512];
    private int size;

    /** Appends {@code tree}; returns the index of its root. */
    int add(Tree tree, boolean[] categorical) {
      int[] source = new int[tree.getFeatureCount()];
      int head = 0;
      int tail = 0;
      int root = allocate(1);
      source[tail++] = 0;
      while (head < tail) {
        int from = source[head];
        int at = root + head++;
        int f = tree.getFeature(from);
        if (f < 0) {
          set(at, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, at, 0, tree.getValue(from));
          continue;
        }
        int children = allocate(2);
        if (categorical[f]) {
          long mask = tree.getLevelMask(from);
          int low = Long.numberOfTrailingZeros(mask);
          int high = 63 - Long.numberOfLeadingZeros(mask);
          set(at, low - 0.5, high + 0.5, children, f, 0);
        } else {
          set(at, Double.NEGATIVE_INFINITY, tree.getThreshold(from), children, f, 0);
        }
        source[tail++] = tree.getLeft(from);
        source[tail++] = tree.getRight(from);
      }
      return root;
    }

    private int allocate(int count) {
      int first = size;
      size += count;
      if (size > values.length) {
        int capacity = Math.max(size, values.length * 2);
        values = Arrays.copyOf(values, capacity);
        bounds = Arrays.copyOf(bounds, 2 * capacity);
        links = Arrays.copyOf(links, 2 * capacity);
      }
      return first;
    }

    private void set(int n, double lo, double hi, int left, int feature, double value) {
      bounds[2 * n] = lo;
      bounds[2 * n + 1] = hi;
      links[2 * n] = left;
      links[2 * n + 1] = feature;
      values[n] = value;
    }

    ScoringTrees build(int[] roots) {
      return new ScoringTrees(roots, Arrays.copyOf(bounds, 2 * size), Arrays.copyOf(links, 2 * size),
          Arrays.copyOf(values, size));
    }
  }
}
