package io.churnwire.training;

import io.churnwire.runtime.Explanation;

/**
 * The algorithm-specific part of a trained model: scores and explains rows already validated
 * against the schema. Implementations are immutable and safe to share between threads.
 */
interface Scorer {

  /** P(churn) for a validated row. */
  double probability(double[] row);

  /** Additive per-feature contributions for a validated row. */
  Explanation explain(double[] row);

  /**
   * Writes the arithmetic of this model into {@code model}: its predictor and log-odds offset,
   * so that the runtime computes what this scorer computes.
   */
  void compileInto(io.churnwire.model.v1.CompiledModel.Builder model);

  /** The log-odds of {@code p}, clamped so that 0 and 1 stay finite. */
  static double logit(double p) {
    double q = Math.min(1 - 1e-15, Math.max(1e-15, p));
    return Math.log(q / (1 - q));
  }

  /** The logistic function. */
  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
