package io.churnwire.runtime;

/**
 * The algorithm-specific arithmetic of a {@link CompiledModel}, over rows already checked against
 * the schema. Implementations are immutable and safe to share between threads.
 */
sealed interface ModelScorer permits TreeEnsembleScorer, LinearScorer {

  /** P(churn) of the row at {@code rows[offset ..]}. */
  double probability(double[] rows, int offset);

  /**
   * P(churn) of {@code count} consecutive rows of {@code features} values each, into
   * {@code out[0 .. count)}; equal, value for value, to {@link #probability} of each row.
   */
  void probabilities(double[] rows, int count, int features, double[] out);

  /** Additive per-feature attributions of {@code row}. */
  Explanation explain(double[] row);

  /** The logistic function. */
  static double sigmoid(double logOdds) {
    return 1 / (1 + Math.exp(-logOdds));
  }
}
