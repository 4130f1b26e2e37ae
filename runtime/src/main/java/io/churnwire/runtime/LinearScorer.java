package io.churnwire.runtime;

import io.churnwire.model.v1.LinearModel;
import io.churnwire.model.v1.LinearTerm;
import io.churnwire.model.v1.Transform;

/**
 * Scores a logistic regression over standardised numeric and one-hot categorical columns, and
 * explains it exactly: in a linear model the SHAP value of a feature is its weights times the
 * distance of its columns from their training means.
 */
final class LinearScorer implements ModelScorer {
  private final boolean[] categorical;
  private final boolean[] logged;
  private final double[] center;
  private final double[] scale;
  /** Per feature, the index of its first column. */
  private final int[] firstColumn;
  /** Per feature, its number of columns. */
  private final int[] width;
  private final double[] weights;
  private final double[] columnMeans;
  private final double intercept;
  private final double logOddsOffset;

  LinearScorer(LinearModel model, boolean[] categorical, double logOddsOffset) {
    int p = categorical.length;
    this.categorical = categorical.clone();
    this.logged = new boolean[p];
    this.center = new double[p];
    this.scale = new double[p];
    this.firstColumn = new int[p];
    this.width = new int[p];
    int columns = 0;
    for (LinearTerm term : model.getTermsList()) {
      columns += term.getWeightsCount();
    }
    this.weights = new double[columns];
    this.columnMeans = new double[columns];
    int c = 0;
    for (int j = 0; j < p; j++) {
      LinearTerm term = model.getTerms(j);
      logged[j] = term.getTransform() == Transform.TRANSFORM_LOG1P;
      center[j] = term.getCenter();
      scale[j] = term.getScale();
      firstColumn[j] = c;
      width[j] = term.getWeightsCount();
      for (int k = 0; k < width[j]; k++, c++) {
        weights[c] = term.getWeights(k);
        columnMeans[c] = term.getColumnMeans(k);
      }
    }
    this.intercept = model.getIntercept();
    this.logOddsOffset = logOddsOffset;
  }

  /** The value of numeric feature {@code j}'s single column. */
  private double column(int j, double value) {
    double x = logged[j] ? Math.log1p(Math.max(0, value)) : value;
    return (x - center[j]) / scale[j];
  }

  private double logOdds(double[] rows, int offset) {
    double z = intercept + logOddsOffset;
    for (int j = 0; j < categorical.length; j++) {
      double value = rows[offset + j];
      if (categorical[j]) {
        int level = (int) value;
        if (level > 0) {
          z += weights[firstColumn[j] + level - 1];
        }
      } else {
        z += weights[firstColumn[j]] * column(j, value);
      }
    }
    return z;
  }

  @Override
  public double probability(double[] rows, int offset) {
    return ModelScorer.sigmoid(logOdds(rows, offset));
  }

  @Override
  public void probabilities(double[] rows, int count, int features, double[] out) {
    for (int r = 0, offset = 0; r < count; r++, offset += features) {
      out[r] = probability(rows, offset);
    }
  }

  @Override
  public Explanation explain(double[] row) {
    int p = categorical.length;
    double[] phi = new double[p];
    double base = intercept + logOddsOffset;
    for (int j = 0; j < p; j++) {
      int level = categorical[j] ? (int) row[j] : -1;
      for (int k = 0; k < width[j]; k++) {
        int c = firstColumn[j] + k;
        double x = categorical[j] ? (level == k + 1 ? 1 : 0) : column(j, row[j]);
        phi[j] += weights[c] * (x - columnMeans[c]);
        base += weights[c] * columnMeans[c];
      }
    }
    return new Explanation(base, phi, logOdds(row, 0), Explanation.Scale.LOG_ODDS);
  }
}
