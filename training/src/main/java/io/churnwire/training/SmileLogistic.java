package io.churnwire.training;

import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import smile.classification.LogisticRegression;

/**
 * Smile's logistic regression on an explicit design matrix: numeric features standardised (real
 * amounts after {@code log1p}, which tames their long right tail), categorical features one-hot
 * encoded against their first level. Keeping the encoding here rather than in a Smile formula lets
 * the explanations be exact: the SHAP value of a feature in a linear model is its coefficients
 * times the distance of its encoded columns from their training means.
 */
final class SmileLogistic {

  private SmileLogistic() {}

  /**
   * What model.bin holds for a logistic model: the Smile model and the encoding it expects.
   *
   * @param model the fitted binomial model; coefficients are the columns' weights, then the intercept
   * @param levels per feature, the number of levels of a categorical one, 0 for a numeric one
   * @param logged per feature, whether the value goes through {@code log1p} before standardising
   * @param center per feature, the mean subtracted (0 for categorical features)
   * @param scale per feature, the standard deviation divided by (1 for categorical features)
   * @param columnMeans mean of each design column over the training rows
   * @param logOddsOffset added to the model's log-odds; {@code -ln(ratio)} after oversampling
   */
  record Artifact(LogisticRegression.Binomial model, int[] levels, boolean[] logged, double[] center,
      double[] scale, double[] columnMeans, double logOddsOffset) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    /** Rejects a model.bin whose arrays disagree in shape. */
    Artifact {
      Objects.requireNonNull(model, "model");
      int p = levels.length;
      if (logged.length != p || center.length != p || scale.length != p) {
        throw new IllegalArgumentException("encoding arrays differ in length");
      }
      if (columns(levels) != columnMeans.length || model.coefficients().length != columnMeans.length + 1) {
        throw new IllegalArgumentException("the encoding has " + columns(levels) + " columns, the model "
            + (model.coefficients().length - 1));
      }
      if (!Double.isFinite(logOddsOffset)) {
        throw new IllegalArgumentException("offset " + logOddsOffset + " is not finite");
      }
    }
  }

  private static int columns(int[] levels) {
    int count = 0;
    for (int level : levels) {
      count += level > 0 ? level - 1 : 1;
    }
    return count;
  }

  /**
   * Fits on the rows {@code fit}; the encoding's centres, scales and column means come from the
   * rows {@code population} (the fitting rows before any oversampling).
   */
  static Artifact fit(FeatureSchema schema, double[][] rows, int[] labels, int[] fit, int[] population,
      TrainingOptions.LogisticParams params, double logOddsOffset) {
    SmileForest.requireBothClasses(labels, fit);
    int p = schema.size();
    int[] levels = new int[p];
    boolean[] logged = new boolean[p];
    double[] center = new double[p];
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      FeatureSpec feature = schema.get(j);
      scale[j] = 1;
      if (feature.isCategorical()) {
        levels[j] = feature.levels().size();
        continue;
      }
      logged[j] = feature.type() == FeatureType.REAL;
      double sum = 0;
      for (int i : population) {
        sum += transform(rows[i][j], logged[j]);
      }
      center[j] = sum / population.length;
      double squares = 0;
      for (int i : population) {
        double d = transform(rows[i][j], logged[j]) - center[j];
        squares += d * d;
      }
      double sd = Math.sqrt(squares / population.length);
      scale[j] = sd > 0 ? sd : 1;
    }
    int d = columns(levels);
    double[] columnMeans = new double[d];
    for (int i : population) {
      double[] x = encode(rows[i], levels, logged, center, scale, d);
      for (int c = 0; c < d; c++) {
        columnMeans[c] += x[c] / population.length;
      }
    }
    double[][] x = new double[fit.length][];
    int[] y = new int[fit.length];
    for (int i = 0; i < fit.length; i++) {
      x[i] = encode(rows[fit[i]], levels, logged, center, scale, d);
      y[i] = labels[fit[i]];
    }
    var model = LogisticRegression.binomial(x, y,
        new LogisticRegression.Options(params.lambda(), params.tolerance(), params.maxIter()));
    return new Artifact(model, levels, logged, center, scale, columnMeans, logOddsOffset);
  }

  private static double transform(double value, boolean logged) {
    return logged ? Math.log1p(Math.max(0, value)) : value;
  }

  private static double[] encode(double[] row, int[] levels, boolean[] logged, double[] center,
      double[] scale, int columns) {
    double[] x = new double[columns];
    int c = 0;
    for (int j = 0; j < levels.length; j++) {
      if (levels[j] > 0) {
        int level = (int) row[j];
        if (level > 0) {
          x[c + level - 1] = 1;
        }
        c += levels[j] - 1;
      } else {
        x[c++] = (transform(row[j], logged[j]) - center[j]) / scale[j];
      }
    }
    return x;
  }

  /** Why {@code artifact} cannot score rows of {@code schema}, or null if it can. */
  static String incompatibility(Artifact artifact, FeatureSchema schema) {
    if (artifact.levels().length != schema.size()) {
      return "the model has " + artifact.levels().length + " inputs, the schema " + schema.size();
    }
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec feature = schema.get(j);
      int expected = feature.isCategorical() ? feature.levels().size() : 0;
      if (artifact.levels()[j] != expected) {
        return "input " + feature.name() + " of the model has " + artifact.levels()[j]
            + " levels, the schema says " + expected;
      }
    }
    return null;
  }

  /** Scores and explains rows with a logistic model; thread-safe. */
  static final class Scorer implements io.churnwire.training.Scorer {
    private final Artifact artifact;
    private final double[] weights;
    private final double intercept;
    private final int columns;

    Scorer(Artifact artifact) {
      this.artifact = artifact;
      double[] coefficients = artifact.model().coefficients();
      this.columns = coefficients.length - 1;
      this.weights = java.util.Arrays.copyOf(coefficients, columns);
      this.intercept = coefficients[columns];
    }

    private double logOdds(double[] x) {
      double z = intercept + artifact.logOddsOffset();
      for (int c = 0; c < columns; c++) {
        z += weights[c] * x[c];
      }
      return z;
    }

    private double[] encode(double[] row) {
      return SmileLogistic.encode(row, artifact.levels(), artifact.logged(), artifact.center(),
          artifact.scale(), columns);
    }

    @Override
    public double probability(double[] row) {
      return io.churnwire.training.Scorer.sigmoid(logOdds(encode(row)));
    }

    @Override
    public Explanation explain(double[] row) {
      double[] x = encode(row);
      double[] means = artifact.columnMeans();
      int[] levels = artifact.levels();
      double[] phi = new double[levels.length];
      double base = intercept + artifact.logOddsOffset();
      int c = 0;
      for (int j = 0; j < levels.length; j++) {
        int width = levels[j] > 0 ? levels[j] - 1 : 1;
        for (int k = 0; k < width; k++, c++) {
          phi[j] += weights[c] * (x[c] - means[c]);
          base += weights[c] * means[c];
        }
      }
      return new Explanation(base, phi, logOdds(x), Explanation.Scale.LOG_ODDS);
    }

    @Override
    public void compileInto(io.churnwire.model.v1.CompiledModel.Builder compiled) {
      var linear = io.churnwire.model.v1.LinearModel.newBuilder().setIntercept(intercept);
      int[] levels = artifact.levels();
      double[] means = artifact.columnMeans();
      int c = 0;
      for (int j = 0; j < levels.length; j++) {
        var term = io.churnwire.model.v1.LinearTerm.newBuilder();
        if (levels[j] == 0) {
          term.setTransform(artifact.logged()[j]
                  ? io.churnwire.model.v1.Transform.TRANSFORM_LOG1P
                  : io.churnwire.model.v1.Transform.TRANSFORM_IDENTITY)
              .setCenter(artifact.center()[j])
              .setScale(artifact.scale()[j]);
        }
        int width = levels[j] > 0 ? levels[j] - 1 : 1;
        for (int k = 0; k < width; k++, c++) {
          term.addWeights(weights[c]).addColumnMeans(means[c]);
        }
        linear.addTerms(term);
      }
      compiled.setAlgorithm(Algorithm.LOGISTIC_REGRESSION.shortName())
          .setLogOddsOffset(artifact.logOddsOffset())
          .setLinearModel(linear);
    }
  }
}
