package io.churnwire.runtime;

/**
 * Exact path-dependent TreeSHAP (Lundberg et al., "Consistent individualized feature attribution
 * for tree ensembles", algorithm 2) on one tree of {@link FlatTrees}: the feature attributions of
 * a row that add up to the tree's output minus its cover-weighted mean output. Branches the row
 * does not take are weighed by the share of training rows ({@code cover}) that went down them.
 *
 * <p>The path of unique features met so far lives in per-depth slices of preallocated arrays, so
 * one explanation allocates nothing beyond this object. Not thread-safe: use one per thread or
 * per call.
 */
final class TreeShap {
  private final FlatTrees trees;
  private final int stride;
  private final int[] d;
  private final double[] z;
  private final double[] o;
  private final double[] w;

  TreeShap(FlatTrees trees) {
    this.trees = trees;
    this.stride = trees.maxDepth + 2;
    int size = stride * (trees.maxDepth + 2);
    this.d = new int[size];
    this.z = new double[size];
    this.o = new double[size];
    this.w = new double[size];
  }

  /** Adds the attributions of tree {@code t} for {@code row} to {@code phi} (one per feature). */
  void explain(int t, double[] row, double[] phi) {
    recurse(phi, row, trees.roots[t], 0, 0, 1, 1, -1);
  }

  private void recurse(double[] phi, double[] row, int node, int level, int parentLength,
      double pz, double po, int pi) {
    int base = level * stride;
    if (level > 0) {
      int from = base - stride;
      System.arraycopy(d, from, d, base, parentLength);
      System.arraycopy(z, from, z, base, parentLength);
      System.arraycopy(o, from, o, base, parentLength);
      System.arraycopy(w, from, w, base, parentLength);
    }
    int l = parentLength;
    extend(base, l, pz, po, pi);
    int length = l + 1;

    int child = trees.left[node];
    if (child >= 0) {
      int feature = trees.feature[node];
      boolean left = trees.goesLeft(node, row[feature]);
      int hot = left ? child : child + 1;
      int cold = left ? child + 1 : child;
      double rh = trees.cover[hot];
      double rc = trees.cover[cold];
      double rj = trees.cover[node];
      int k = 0;
      for (; k <= l; k++) {
        if (d[base + k] == feature) {
          break;
        }
      }
      double iz = 1.0;
      double io = 1.0;
      if (k <= l) {
        iz = z[base + k];
        io = o[base + k];
        unwind(base, length, k);
        length--;
      }
      recurse(phi, row, hot, level + 1, length, iz * rh / rj, io, feature);
      recurse(phi, row, cold, level + 1, length, iz * rc / rj, 0, feature);
    } else {
      double value = trees.value[node];
      for (int i = 1; i <= l; i++) {
        double weight = unwoundSum(base, length, i);
        phi[d[base + i]] += weight * (o[base + i] - z[base + i]) * value;
      }
    }
  }

  /** Grows every subset size of the path by one feature with zero and one fractions pz, po. */
  private void extend(int base, int l, double pz, double po, int pi) {
    d[base + l] = pi;
    z[base + l] = pz;
    o[base + l] = po;
    w[base + l] = l == 0 ? 1 : 0;
    for (int i = l - 1; i >= 0; i--) {
      w[base + i + 1] += po * w[base + i] * (i + 1) / (l + 1);
      w[base + i] = pz * w[base + i] * (l - i) / (l + 1);
    }
  }

  /** Undoes the extension by element {@code i} of a path of {@code length}. */
  private void unwind(int base, int length, int i) {
    double po = o[base + i];
    double pz = z[base + i];
    int l = length - 1;
    double n = w[base + l];
    if (po != 0) {
      for (int j = l - 1; j >= 0; j--) {
        double t = w[base + j];
        w[base + j] = n * (l + 1) / ((j + 1) * po);
        n = t - w[base + j] * pz * (l - j) / (l + 1);
      }
    } else {
      for (int j = l - 1; j >= 0; j--) {
        w[base + j] = (w[base + j] * (l + 1)) / (pz * (l - j));
      }
    }
    for (int j = i; j < l; j++) {
      d[base + j] = d[base + j + 1];
      z[base + j] = z[base + j + 1];
      o[base + j] = o[base + j + 1];
    }
  }

  /** The total permutation weight of the path without element {@code i}. */
  private double unwoundSum(int base, int length, int i) {
    double po = o[base + i];
    double pz = z[base + i];
    int l = length - 1;
    double sum = 0.0;
    double n = w[base + l];
    if (po != 0) {
      for (int j = l - 1; j >= 0; j--) {
        double t = n / ((j + 1) * po);
        sum += t;
        n = w[base + j] - t * pz * (l - j);
      }
    } else {
      for (int j = l - 1; j >= 0; j--) {
        sum += w[base + j] / (pz * (l - j));
      }
    }
    return sum * (l + 1);
  }
}
