package io.churnwire.model;

/**
 * The algorithm-specific part of a trained model: scores and explains rows already validated
 * against the schema. Implementations are immutable and safe to share between threads.
 */
interface Scorer {

  /** P(churn) for a validated row. */
  double probability(double[] row);

  /** Additive per-feature contributions for a validated row. */
  Explanation explain(double[] row);

  /** The object whose Java serialization is model.bin. */
  Object artifact();

  /** Mean-decrease-in-impurity importance per feature when the learner has one, else null. */
  default double[] impurityImportance() {
    return null;
  }

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
