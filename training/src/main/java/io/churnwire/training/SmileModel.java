package io.churnwire.training;

import io.churnwire.runtime.Explanation;

/**
 * The fitted Smile model behind a trained {@link io.churnwire.runtime.ChurnModel}, kept for what
 * only the training side needs: comparing the compiled model with its learner (tests, benchmarks).
 * Serving never uses it.
 */
public final class SmileModel {
  private final Scorer scorer;

  SmileModel(Scorer scorer) {
    this.scorer = scorer;
  }

  /** P(churn) as Smile computes it, for a row already valid for the schema. */
  public double probability(double[] row) {
    return scorer.probability(row);
  }

  /** Smile's SHAP contributions for a row already valid for the schema. */
  public Explanation explain(double[] row) {
    return scorer.explain(row);
  }
}
