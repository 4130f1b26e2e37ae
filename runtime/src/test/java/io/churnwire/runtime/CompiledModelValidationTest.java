package io.churnwire.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.CompiledModel;
import io.churnwire.model.v1.LinearModel;
import io.churnwire.model.v1.Tree;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A compiled model that is not well formed is refused, with a reason that names what is wrong. */
class CompiledModelValidationTest {

  /** Five boosted trees; tree 2 has six leaves, so its root is a test. */
  private static final CompiledModel VALID = withSixLeafTree(
      RandomModels.ensemble(3, Aggregation.AGGREGATION_BOOSTED_LOG_ODDS, 5, 6, true));

  private static CompiledModel withSixLeafTree(CompiledModel model) {
    CompiledModel.Builder builder = model.toBuilder();
    builder.getTreeEnsembleBuilder().setTrees(2, RandomModels.tree(new java.util.Random(9), 6, true));
    return builder.build();
  }

  private static void assertRefused(CompiledModel model, String expected) {
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> io.churnwire.runtime.CompiledModel.of(model));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static CompiledModel withTree(UnaryOperator<Tree.Builder> change) {
    CompiledModel.Builder model = VALID.toBuilder();
    Tree.Builder tree = model.getTreeEnsembleBuilder().getTreesBuilder(2);
    change.apply(tree);
    return model.build();
  }

  /** The root of tree 2, a test. */
  private static int internal() {
    return 0;
  }

  @Test
  void validModel_isAccepted() throws Exception {
    io.churnwire.runtime.CompiledModel.of(VALID);
  }

  @Test
  void unknownFormatVersion_isRefused() {
    assertRefused(VALID.toBuilder().setFormatVersion(2).build(), "format_version is 2; this runtime reads format 1");
  }

  @Test
  void bytesThatAreNotAModel_areRefused() {
    byte[] bytes = Arrays.copyOf(VALID.toByteArray(), VALID.getSerializedSize() / 2);
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> io.churnwire.runtime.CompiledModel.parse(bytes));
    assertTrue(e.getMessage().contains("not a churnwire.model.v1.CompiledModel"), e.getMessage());
  }

  @Test
  void childPointingBackToTheRoot_isRefusedAsACycle() {
    assertRefused(withTree(t -> t.setRight(internal(), 0)), "tree 2 node 0: child 0 is not in [1,");
  }

  @Test
  void nodeReachedTwice_isRefused() {
    assertRefused(withTree(t -> t.setRight(internal(), t.getLeft(internal()))), "is reached twice");
  }

  @Test
  void childOutOfRange_isRefused() {
    assertRefused(withTree(t -> t.setLeft(internal(), 10_000)), "child 10000 is not in [1, ");
  }

  @Test
  void featureOutOfRange_isRefused() {
    assertRefused(withTree(t -> t.setFeature(internal(), 9)), "tree 2 node 0: feature 9 is not in [0, 4)");
  }

  @Test
  void nanThreshold_isRefused() {
    assertRefused(withTree(t -> t.setFeature(internal(), 0).setThreshold(internal(), Double.NaN)), "threshold NaN is not finite");
  }

  @Test
  void levelMaskBeyondTheFeaturesLevels_isRefused() {
    assertRefused(withTree(t -> t.setFeature(internal(), 3).setLevelMask(internal(), 1L << 5)),
        "names levels beyond the 3 of channel");
  }

  @Test
  void infiniteLeafValue_isRefused() {
    assertRefused(withTree(t -> t.setValue(t.getFeatureList().indexOf(-1), Double.POSITIVE_INFINITY)),
        "leaf value Infinity is not finite");
  }

  @Test
  void arraysOfDifferentLengths_areRefused() {
    assertRefused(withTree(t -> t.addCover(1)), "the node arrays differ in length");
  }

  @Test
  void treeDeeperThanTheLimit_isRefused() {
    Tree.Builder chain = Tree.newBuilder().setWeight(1);
    int depth = CompiledModelValidator.MAX_DEPTH + 1;
    for (int d = 0; d < depth; d++) {
      int node = 2 * d;
      chain.addFeature(0).addThreshold(d).addLevelMask(0).addLeft(node + 1).addRight(node + 2).addValue(0).addCover(1);
      chain.addFeature(-1).addThreshold(0).addLevelMask(0).addLeft(-1).addRight(-1).addValue(0.5).addCover(1);
    }
    chain.addFeature(-1).addThreshold(0).addLevelMask(0).addLeft(-1).addRight(-1).addValue(0.5).addCover(1);
    CompiledModel.Builder model = VALID.toBuilder();
    model.getTreeEnsembleBuilder().setTrees(0, chain);
    assertRefused(model.build(), "the tree is deeper than " + CompiledModelValidator.MAX_DEPTH);
  }

  @Test
  void modelWithoutPredictor_isRefused() {
    assertRefused(VALID.toBuilder().clearTreeEnsemble().build(), "the model has no predictor");
  }

  @Test
  void algorithmThatDoesNotMatchThePredictor_isRefused() {
    assertRefused(VALID.toBuilder().setAlgorithm("rf").build(), "does not match a tree ensemble");
  }

  @Test
  void linearModelWithTooFewTerms_isRefused() {
    CompiledModel linear = VALID.toBuilder().setAlgorithm("logistic")
        .setLinearModel(LinearModel.newBuilder().setIntercept(0.1)).build();
    assertRefused(linear, "linear_model has 0 terms for 4 features");
  }

  @Test
  void thresholdOutsideZeroToOne_isRefused() {
    assertRefused(VALID.toBuilder().setDecisionThreshold(1.5).build(), "decision_threshold 1.5 is not in [0, 1]");
  }

  @Test
  void trainingReferenceThatDoesNotAddUpToOne_isRefused() {
    CompiledModel.Builder model = VALID.toBuilder();
    for (int j = 0; j < 4; j++) {
      var reference = io.churnwire.model.v1.FeatureReference.newBuilder().setRows(10);
      int bins = j < 2 ? 2 : j == 2 ? 4 : 3;
      if (j < 2) {
        reference.addBinEdges(5);
      }
      for (int b = 0; b < bins; b++) {
        reference.addFrequencies(0.5);
      }
      model.addTrainingReference(reference);
    }
    assertRefused(model.build(), "training_reference of plan: frequencies add up to 2.0, not 1");
  }
}
