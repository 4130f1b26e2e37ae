package io.churnwire.runtime;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.Tree;
import io.churnwire.model.v1.TreeEnsemble;

/**
 * Scores a random forest (weighted mean of leaf probabilities) or gradient-boosted trees
 * ({@code log-odds = margin_scale * (base + sum(learning_rate * leaf)) + offset}), and explains
 * both with {@link TreeShap} on {@link FlatTrees}.
 *
 * <p>Scoring takes the fastest layout that fits: {@link QuickScorer} when every tree has at most
 * 64 leaves, else {@link ScoringTrees} when every categorical test is a range of levels, else the
 * general walk of {@link FlatTrees}. Single rows and blocks go through the same layout, so they
 * give identical results.
 */
final class TreeEnsembleScorer implements ModelScorer {
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
    this.factors = new double[ensemble.getTreesCount()];
    double sum = 0;
    for (int t = 0; t < factors.length; t++) {
      Tree tree = ensemble.getTrees(t);
      factors[t] = boosted ? learningRate : tree.getWeight();
      sum += tree.getWeight();
    }
    this.totalWeight = sum;
    this.quick = QuickScorer.of(ensemble.getTreesList(), schema, factors);
    this.workspaces = quick == null ? null : ThreadLocal.withInitial(quick::workspace);
    this.fast = quick == null ? ScoringTrees.of(ensemble.getTreesList(), categorical) : null;
  }

  @Override
  public double probability(double[] rows, int offset) {
    return finish(sum(rows, offset));
  }

  @Override
  public void probabilities(double[] rows, int count, int stride, double[] out) {
    if (fast != null) {
      fast.sums(rows, count, stride, initial(), factors, out);
    } else {
      long[] live = quick != null ? quick.workspace() : null;
      for (int r = 0; r < count; r++) {
        out[r] = quick != null ? quick.sum(rows, r * stride, initial(), live) : walkedSum(rows, r * stride);
      }
    }
    for (int r = 0; r < count; r++) {
      out[r] = finish(out[r]);
    }
  }

  /** The base score plus every tree's weighted leaf value for the row at {@code rows[offset ..]}. */
  private double sum(double[] rows, int offset) {
    if (quick != null) {
      return quick.sum(rows, offset, initial(), workspaces.get());
    }
    if (fast != null) {
      return fast.sum(rows, offset, initial(), factors);
    }
    return walkedSum(rows, offset);
  }

  /** {@link #sum} by the general walk, for level sets that neither fast layout takes. */
  private double walkedSum(double[] rows, int offset) {
    double acc = initial();
    for (int t = 0; t < factors.length; t++) {
      acc += factors[t] * trees.leafValue(t, rows, offset);
    }
    return acc;
  }

  private double initial() {
    return boosted ? baseScore : 0;
  }

  /** The probability for a {@link #sum}: logistic of the log-odds, or the weighted mean. */
  private double finish(double sum) {
    return boosted ? ModelScorer.sigmoid(logOdds(sum)) : Math.min(1.0, Math.max(0.0, sum / totalWeight));
  }

  private double logOdds(double margin) {
    return marginScale * margin + logOddsOffset;
  }

  @Override
  public Explanation explain(double[] row) {
    TreeShap shap = new TreeShap(trees);
    double[] phi = new double[features];
    double[] treePhi = new double[features];
    for (int t = 0; t < factors.length; t++) {
      java.util.Arrays.fill(treePhi, 0);
      shap.explain(t, row, treePhi);
      double factor = boosted ? 1 : factors[t];
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
      output = logOdds(sum(row, 0));
      scale = Explanation.Scale.LOG_ODDS;
    } else {
      for (int j = 0; j < features; j++) {
        phi[j] /= totalWeight;
        sum += phi[j];
      }
      output = finish(sum(row, 0));
      scale = Explanation.Scale.PROBABILITY;
    }
    return new Explanation(output - sum, phi, output, scale);
  }
}
