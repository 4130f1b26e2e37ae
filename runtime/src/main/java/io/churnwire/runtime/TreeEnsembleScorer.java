package io.churnwire.runtime;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.Tree;
import io.churnwire.model.v1.TreeEnsemble;

/**
 * Scores a random forest (weighted mean of leaf probabilities) or gradient-boosted trees
 * ({@code log-odds = margin_scale * (base + sum(learning_rate * leaf)) + offset}) from
 * {@link FlatTrees}, and explains both with {@link TreeShap}.
 *
 * <p>The block path walks the trees in the outer loop and a block of rows in the inner one, so a
 * tree's nodes stay in the first-level cache while the independent walks of many rows overlap in
 * the processor; every row still adds its trees in the same order as the single-row path, so the
 * two give identical results.
 */
final class TreeEnsembleScorer implements ModelScorer {
  private static final int BLOCK = 64;

  private final FlatTrees trees;
  /** Trees of at most 64 leaves, scored without walking; null otherwise. */
  private final QuickScorer quick;
  /** Each scoring thread's leaf sets for {@link #quick}, so a single row allocates nothing. */
  private final ThreadLocal<long[]> workspaces;
  /** The branch-free layout, or null when a categorical test is not a range of levels. */
  private final ScoringTrees fast;
  private final boolean boosted;
  private final double baseScore;
  private final double learningRate;
  private final double marginScale;
  private final double logOddsOffset;
  private final double[] weights;
  private final double totalWeight;
  /** Per tree, what its leaf value is multiplied by: the learning rate, or the tree's weight. */
  private final double[] factors;
  private final int features;

  TreeEnsembleScorer(TreeEnsemble ensemble, FeatureSchema schema, boolean[] categorical, int maxDepth,
      double logOddsOffset) {
    this.trees = FlatTrees.of(ensemble.getTreesList(), categorical, maxDepth);
    this.boosted = ensemble.getAggregation() == Aggregation.AGGREGATION_BOOSTED_LOG_ODDS;
    this.baseScore = ensemble.getBaseScore();
    this.learningRate = ensemble.getLearningRate();
    this.marginScale = ensemble.getMarginScale();
    this.logOddsOffset = logOddsOffset;
    this.features = categorical.length;
    this.weights = new double[ensemble.getTreesCount()];
    double sum = 0;
    for (int t = 0; t < weights.length; t++) {
      Tree tree = ensemble.getTrees(t);
      weights[t] = tree.getWeight();
      sum += weights[t];
    }
    this.totalWeight = sum;
    this.factors = boosted ? new double[weights.length] : weights.clone();
    if (boosted) {
      java.util.Arrays.fill(factors, learningRate);
    }
    this.quick = QuickScorer.of(ensemble.getTreesList(), schema, factors);
    this.workspaces = quick == null ? null : ThreadLocal.withInitial(quick::workspace);
    this.fast = quick == null ? ScoringTrees.of(ensemble.getTreesList(), categorical) : null;
  }

  @Override
  public double probability(double[] rows, int offset) {
    if (quick != null) {
      double sum = quick.sum(rows, offset, boosted ? baseScore : 0, workspaces.get());
      return boosted ? toProbability(sum) : clamp(sum / totalWeight);
    }
    if (fast != null) {
      double sum = fast.sum(rows, offset, boosted ? baseScore : 0, factors);
      return boosted ? toProbability(sum) : clamp(sum / totalWeight);
    }
    int count = trees.trees();
    if (boosted) {
      double margin = baseScore;
      for (int t = 0; t < count; t++) {
        margin += learningRate * leaf(t, rows, offset);
      }
      return toProbability(margin);
    }
    double sum = 0;
    for (int t = 0; t < count; t++) {
      sum += weights[t] * leaf(t, rows, offset);
    }
    return clamp(sum / totalWeight);
  }

  @Override
  public void probabilities(double[] rows, int count, int stride, double[] out) {
    if (quick != null) {
      long[] live = quick.workspace();
      double initial = boosted ? baseScore : 0;
      for (int r = 0; r < count; r++) {
        double sum = quick.sum(rows, r * stride, initial, live);
        out[r] = boosted ? toProbability(sum) : clamp(sum / totalWeight);
      }
      return;
    }
    if (fast != null) {
      fast.sums(rows, count, stride, boosted ? baseScore : 0, factors, out);
      for (int r = 0; r < count; r++) {
        out[r] = boosted ? toProbability(out[r]) : clamp(out[r] / totalWeight);
      }
      return;
    }
    double[] acc = new double[BLOCK];
    int treeCount = trees.trees();
    for (int start = 0; start < count; start += BLOCK) {
      int size = Math.min(BLOCK, count - start);
      java.util.Arrays.fill(acc, 0, size, boosted ? baseScore : 0);
      for (int t = 0; t < treeCount; t++) {
        double factor = boosted ? learningRate : weights[t];
        int offset = start * stride;
        for (int r = 0; r < size; r++, offset += stride) {
          acc[r] += factor * leaf(t, rows, offset);
        }
      }
      for (int r = 0; r < size; r++) {
        out[start + r] = boosted ? toProbability(acc[r]) : clamp(acc[r] / totalWeight);
      }
    }
  }

  private double leaf(int t, double[] rows, int offset) {
    return trees.leafValue(t, rows, offset);
  }

  private double toProbability(double margin) {
    return ModelScorer.sigmoid(marginScale * margin + logOddsOffset);
  }

  private static double clamp(double p) {
    return Math.min(1.0, Math.max(0.0, p));
  }

  @Override
  public Explanation explain(double[] row) {
    TreeShap shap = new TreeShap(trees);
    double[] phi = new double[features];
    double[] treePhi = new double[features];
    int count = trees.trees();
    for (int t = 0; t < count; t++) {
      java.util.Arrays.fill(treePhi, 0);
      shap.explain(t, row, treePhi);
      double factor = boosted ? 1 : weights[t];
      for (int j = 0; j < features; j++) {
        phi[j] += factor * treePhi[j];
      }
    }
    double sum = 0;
    double output;
    Explanation.Scale scale;
    if (boosted) {
      double factor = marginScale * learningRate;
      for (int j = 0; j < features; j++) {
        phi[j] *= factor;
        sum += phi[j];
      }
      double margin = baseScore;
      for (int t = 0; t < count; t++) {
        margin += learningRate * leaf(t, row, 0);
      }
      output = marginScale * margin + logOddsOffset;
      scale = Explanation.Scale.LOG_ODDS;
    } else {
      for (int j = 0; j < features; j++) {
        phi[j] /= totalWeight;
        sum += phi[j];
      }
      output = probability(row, 0);
      scale = Explanation.Scale.PROBABILITY;
    }
    return new Explanation(output - sum, phi, output, scale);
  }
}
