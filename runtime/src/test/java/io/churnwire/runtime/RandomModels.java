package io.churnwire.runtime;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.CompiledModel;
import io.churnwire.model.v1.Tree;
import io.churnwire.model.v1.TreeEnsemble;
import java.util.List;
import java.util.Random;

/** Random but valid compiled tree ensembles over a small schema, and a plain reference walk. */
final class RandomModels {
  /** Two numeric features, then a categorical one with four levels and one with three. */
  static final FeatureSchema SCHEMA = new FeatureSchema(List.of(
      FeatureSpec.real("amount", 0, 100, "An amount."),
      FeatureSpec.integer("count", 0, 20, "A count."),
      FeatureSpec.categorical("plan", List.of("a", "b", "c", "d"), "A plan."),
      FeatureSpec.categorical("channel", List.of("web", "shop", "phone"), "A channel.")));

  private RandomModels() {}

  /** A tree of {@code leaves} leaves; categorical tests go left for a random level set. */
  static Tree tree(Random random, int leaves, boolean rangesOnly) {
    Tree.Builder tree = Tree.newBuilder().setWeight(0.5 + random.nextDouble());
    grow(tree, random, leaves, rangesOnly);
    return tree.build();
  }

  private static int grow(Tree.Builder tree, Random random, int leaves, boolean rangesOnly) {
    int index = tree.getFeatureCount();
    if (leaves == 1) {
      tree.addFeature(-1).addThreshold(0).addLevelMask(0).addLeft(-1).addRight(-1)
          .addValue(random.nextDouble()).addCover(1 + random.nextInt(50));
      return index;
    }
    int f = random.nextInt(SCHEMA.size());
    FeatureSpec spec = SCHEMA.get(f);
    long mask = 0;
    double threshold = 0;
    if (spec.isCategorical()) {
      int levels = spec.levels().size();
      if (rangesOnly) {
        int low = random.nextInt(levels);
        int high = low + random.nextInt(levels - low);
        for (int level = low; level <= high; level++) {
          mask |= 1L << level;
        }
      } else {
        while (mask == 0 || mask == (1L << levels) - 1) {
          mask = random.nextLong() & ((1L << levels) - 1);
        }
      }
    } else {
      threshold = spec.type() == FeatureType.INTEGER ? random.nextInt(20) : random.nextDouble() * 100;
    }
    tree.addFeature(f).addThreshold(threshold).addLevelMask(mask).addLeft(-1).addRight(-1).addValue(0).addCover(0);
    int leftLeaves = 1 + random.nextInt(leaves - 1);
    int left = grow(tree, random, leftLeaves, rangesOnly);
    int right = grow(tree, random, leaves - leftLeaves, rangesOnly);
    tree.setLeft(index, left).setRight(index, right)
        .setCover(index, tree.getCover(left) + tree.getCover(right));
    return index;
  }

  /** An ensemble of {@code trees} random trees of up to {@code maxLeaves} leaves each. */
  static CompiledModel ensemble(long seed, Aggregation aggregation, int trees, int maxLeaves, boolean rangesOnly) {
    Random random = new Random(seed);
    TreeEnsemble.Builder ensemble = TreeEnsemble.newBuilder().setAggregation(aggregation);
    boolean boosted = aggregation == Aggregation.AGGREGATION_BOOSTED_LOG_ODDS;
    if (boosted) {
      ensemble.setBaseScore(-0.3).setLearningRate(0.1).setMarginScale(2);
    }
    for (int t = 0; t < trees; t++) {
      ensemble.addTrees(tree(random, 1 + random.nextInt(maxLeaves), rangesOnly));
    }
    return CompiledModel.newBuilder()
        .setFormatVersion(io.churnwire.runtime.CompiledModel.FORMAT_VERSION)
        .setAlgorithm(boosted ? "gbt" : "rf")
        .addAllFeatures(io.churnwire.runtime.CompiledModel.features(SCHEMA))
        .setDecisionThreshold(0.4)
        .setLogOddsOffset(boosted ? -0.7 : 0)
        .setTreeEnsemble(ensemble)
        .build();
  }

  /** A random valid row of {@link #SCHEMA}, with values often exactly on thresholds. */
  static double[] row(Random random) {
    return new double[] {
        random.nextBoolean() ? random.nextInt(101) : random.nextDouble() * 100,
        random.nextInt(21), random.nextInt(4), random.nextInt(3)};
  }

  /** The leaf value {@code row} reaches, by the format's definition. */
  static double leaf(Tree tree, double[] row) {
    int n = 0;
    while (tree.getFeature(n) >= 0) {
      int f = tree.getFeature(n);
      boolean left = SCHEMA.get(f).isCategorical()
          ? (tree.getLevelMask(n) >>> (int) row[f] & 1L) != 0
          : row[f] <= tree.getThreshold(n);
      n = left ? tree.getLeft(n) : tree.getRight(n);
    }
    return tree.getValue(n);
  }

  /** The probability of {@code row}, by the format's definition. */
  static double probability(CompiledModel model, double[] row) {
    TreeEnsemble ensemble = model.getTreeEnsemble();
    if (ensemble.getAggregation() == Aggregation.AGGREGATION_BOOSTED_LOG_ODDS) {
      double margin = ensemble.getBaseScore();
      for (Tree tree : ensemble.getTreesList()) {
        margin += ensemble.getLearningRate() * leaf(tree, row);
      }
      return 1 / (1 + Math.exp(-(ensemble.getMarginScale() * margin + model.getLogOddsOffset())));
    }
    double sum = 0;
    double weights = 0;
    for (Tree tree : ensemble.getTreesList()) {
      sum += tree.getWeight() * leaf(tree, row);
      weights += tree.getWeight();
    }
    return sum / weights;
  }
}
