package io.churnwire.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.Tree;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every scoring layout (leaf sets for small trees, the branch-free walk for large ones, the general
 * walk for arbitrary level sets) gives the format's probability, the block path gives the
 * single-row values exactly, and TreeSHAP gives the exact Shapley values of the path-dependent
 * expectation, checked by brute force over every subset of features.
 */
class CompiledModelScoringTest {

  @ParameterizedTest(name = "{0}, {1} trees of up to {2} leaves, ranges only: {3}")
  @CsvSource({
      "AGGREGATION_BOOSTED_LOG_ODDS, 57, 6, true",
      "AGGREGATION_BOOSTED_LOG_ODDS, 40, 64, true",
      "AGGREGATION_BOOSTED_LOG_ODDS, 13, 300, true",
      "AGGREGATION_WEIGHTED_MEAN_PROBABILITY, 30, 200, true",
      "AGGREGATION_WEIGHTED_MEAN_PROBABILITY, 21, 12, false",
      "AGGREGATION_BOOSTED_LOG_ODDS, 11, 150, false"})
  void everyLayoutScoresAsTheFormatDefines(Aggregation aggregation, int trees, int maxLeaves, boolean rangesOnly)
      throws Exception {
    var message = RandomModels.ensemble(trees * 31L + maxLeaves, aggregation, trees, maxLeaves, rangesOnly);
    CompiledModel model = CompiledModel.of(message);
    Random random = new Random(5);
    int count = 1_003;
    double[] rows = new double[count * 4];
    double[] single = new double[count];
    for (int r = 0; r < count; r++) {
      double[] row = RandomModels.row(random);
      System.arraycopy(row, 0, rows, r * 4, 4);
      single[r] = model.probability(row);
      assertEquals(RandomModels.probability(message, row), single[r], 1e-13, "row " + r);
    }
    double[] block = new double[count];
    model.probabilities(rows, count, block);
    assertArrayEquals(single, block);
  }

  @ParameterizedTest(name = "tree {0}")
  @CsvSource({"1", "2", "3", "4", "5", "6", "7", "8"})
  void treeShapEqualsBruteForceShapleyValues(long seed) throws Exception {
    Random random = new Random(seed);
    var message = RandomModels.ensemble(seed, Aggregation.AGGREGATION_WEIGHTED_MEAN_PROBABILITY, 1, 9, seed % 2 == 0);
    Tree tree = message.getTreeEnsemble().getTrees(0);
    CompiledModel model = CompiledModel.of(message);
    for (int k = 0; k < 20; k++) {
      double[] row = RandomModels.row(random);
      Explanation explanation = model.explain(row);
      double[] expected = shapley(tree, row);
      assertArrayEquals(expected, explanation.contributions(), 1e-12);
      double sum = explanation.baseValue();
      for (double c : explanation.contributions()) {
        sum += c;
      }
      assertEquals(explanation.output(), sum, 1e-12);
      assertEquals(conditional(tree, row, 0, 0), explanation.baseValue(), 1e-12, "the base is the mean output");
    }
  }

  /** phi_j = sum over S not holding j of |S|!(p-|S|-1)!/p! (v(S+j) - v(S)). */
  private static double[] shapley(Tree tree, double[] row) {
    int p = RandomModels.SCHEMA.size();
    double[] phi = new double[p];
    for (int j = 0; j < p; j++) {
      for (int s = 0; s < 1 << p; s++) {
        if ((s >>> j & 1) != 0) {
          continue;
        }
        int size = Integer.bitCount(s);
        double weight = factorial(size) * factorial(p - size - 1) / factorial(p);
        phi[j] += weight * (conditional(tree, row, 0, s | 1 << j) - conditional(tree, row, 0, s));
      }
    }
    return phi;
  }

  /** The tree's expected output given the features in {@code known}, by cover (path-dependent). */
  private static double conditional(Tree tree, double[] row, int node, int known) {
    int f = tree.getFeature(node);
    if (f < 0) {
      return tree.getValue(node);
    }
    int left = tree.getLeft(node);
    int right = tree.getRight(node);
    if ((known >>> f & 1) != 0) {
      boolean goesLeft = RandomModels.SCHEMA.get(f).isCategorical()
          ? (tree.getLevelMask(node) >>> (int) row[f] & 1L) != 0
          : row[f] <= tree.getThreshold(node);
      return conditional(tree, row, goesLeft ? left : right, known);
    }
    return (tree.getCover(left) * conditional(tree, row, left, known)
        + tree.getCover(right) * conditional(tree, row, right, known)) / tree.getCover(node);
  }

  private static double factorial(int n) {
    double result = 1;
    for (int i = 2; i <= n; i++) {
      result *= i;
    }
    return result;
  }
}
