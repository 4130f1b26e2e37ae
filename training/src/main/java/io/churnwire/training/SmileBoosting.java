package io.churnwire.training;

import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import smile.classification.GradientTreeBoost;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.math.MathEx;
import smile.regression.RegressionTree;

/**
 * Smile's gradient tree boosting: reproducible fitting, scoring and TreeSHAP explanations.
 *
 * <p>Reproducibility: Smile 6.3 fits the trees one after another on the calling thread and draws
 * each tree's subsample from {@code MathEx}'s thread-local generator, while the split search
 * (every feature is tried, so {@code mtry} equals the feature count) draws nothing. Seeding that
 * generator on the calling thread just before the fit therefore fixes the model.
 *
 * <p>Scale: for two classes Smile predicts {@code P(churn) = 1 / (1 + exp(-2 F))} with
 * {@code F = b + shrinkage * sum(tree outputs)}, so the log-odds are {@code 2 F} and each tree's
 * SHAP values enter them multiplied by {@code 2 * shrinkage}.
 */
final class SmileBoosting {

  private SmileBoosting() {}

  /**
   * What model.bin holds for a boosted model: the Smile model, its learning rate (Smile does not
   * expose it, and the explanations need it) and the log-odds shift that undoes oversampling.
   *
   * @param model the fitted Smile model
   * @param shrinkage the learning rate it was fitted with
   * @param logOddsOffset added to the model's log-odds; {@code -ln(ratio)} after oversampling
   */
  record Artifact(GradientTreeBoost model, double shrinkage, double logOddsOffset) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    /** Rejects a model.bin whose values are out of range. */
    Artifact {
      Objects.requireNonNull(model, "model");
      if (!(shrinkage > 0 && shrinkage <= 1) || !Double.isFinite(logOddsOffset)) {
        throw new IllegalArgumentException("shrinkage " + shrinkage + " or offset " + logOddsOffset + " out of range");
      }
    }
  }

  private static final java.lang.reflect.Field INTERCEPT = SmileTrees.field(GradientTreeBoost.class, "b");

  /** The initial margin of a fitted model, which Smile keeps without an accessor. */
  static double intercept(GradientTreeBoost model) {
    try {
      return INTERCEPT.getDouble(model);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read the intercept of a GradientTreeBoost", e);
    }
  }

  /** Fits on the rows {@code index}, seeding Smile's generator with {@code seed} first. */
  static Artifact fit(FeatureSchema schema, double[][] rows, int[] labels, int[] index,
      TrainingOptions.BoostingParams params, double logOddsOffset, long seed) {
    SmileForest.requireBothClasses(labels, index);
    DataFrame frame = SmileForest.frame(schema, rows, labels, index);
    var options = new GradientTreeBoost.Options(params.trees(), params.maxDepth(), params.maxNodes(),
        params.nodeSize(), params.shrinkage(), params.subsample(), null, null);
    MathEx.setSeed(seed);
    GradientTreeBoost model = GradientTreeBoost.fit(Formula.lhs(SmileForest.LABEL), frame, options);
    return new Artifact(model, params.shrinkage(), logOddsOffset);
  }

  /** Scores and explains rows with a boosted model; thread-safe. */
  static final class Scorer implements io.churnwire.training.Scorer {
    private final Artifact artifact;
    private final GradientTreeBoost model;
    private final StructType predictors;
    private final RegressionTree[] trees;

    Scorer(Artifact artifact) {
      this.artifact = artifact;
      this.model = artifact.model();
      this.predictors = model.schema();
      this.trees = model.trees()[0];
      probability(new double[predictors.length()]);
    }

    private double rawProbability(double[] row) {
      double[] posteriori = new double[2];
      model.predict(new SmileForest.RowTuple(predictors, row), posteriori);
      return posteriori[1];
    }

    @Override
    public double probability(double[] row) {
      double p = rawProbability(row);
      if (artifact.logOddsOffset() == 0) {
        return Math.min(1.0, Math.max(0.0, p));
      }
      // sigmoid(logit(p) + offset), written so that p = 0 or 1 stays exact.
      double ratio = Math.exp(-artifact.logOddsOffset());
      return p / (p + ratio * (1 - p));
    }

    @Override
    public Explanation explain(double[] row) {
      Tuple x = model.formula().x(new SmileForest.RowTuple(predictors, row));
      int p = predictors.length();
      double[] phi = new double[p];
      for (RegressionTree tree : trees) {
        double[] treePhi = tree.shap(x);
        for (int j = 0; j < p; j++) {
          phi[j] += treePhi[j];
        }
      }
      double scale = 2 * artifact.shrinkage();
      double sum = 0;
      for (int j = 0; j < p; j++) {
        phi[j] *= scale;
        sum += phi[j];
      }
      double output = io.churnwire.training.Scorer.logit(rawProbability(row)) + artifact.logOddsOffset();
      return new Explanation(output - sum, phi, output, Explanation.Scale.LOG_ODDS);
    }

    @Override
    public void compileInto(io.churnwire.model.v1.CompiledModel.Builder compiled) {
      var ensemble = io.churnwire.model.v1.TreeEnsemble.newBuilder()
          .setAggregation(io.churnwire.model.v1.Aggregation.AGGREGATION_BOOSTED_LOG_ODDS)
          .setBaseScore(intercept(model))
          .setLearningRate(artifact.shrinkage())
          .setMarginScale(2);
      for (RegressionTree tree : trees) {
        ensemble.addTrees(SmileTrees.compile(tree.root(), 1, SmileTrees::regressionOutput));
      }
      compiled.setAlgorithm(Algorithm.GRADIENT_BOOSTING.shortName())
          .setLogOddsOffset(artifact.logOddsOffset())
          .setTreeEnsemble(ensemble);
    }

  }
}
