package io.churnwire.runtime;

import java.util.Objects;

/**
 * How well a model did on rows it was not trained on, at its decision threshold. Stored in the
 * model metadata so that every served model carries its own evidence.
 *
 * @param rocAuc exact, tie-aware area under the ROC curve ({@link Metrics#rocAuc})
 * @param prAuc average precision ({@link Metrics#averagePrecision})
 * @param accuracy fraction of rows classified correctly at the threshold
 * @param precision true positives / predicted positives, 0 when nothing is predicted positive
 * @param recall true positives / actual positives
 * @param f1 harmonic mean of precision and recall, 0 when both are 0
 * @param truePositives churners predicted to churn
 * @param falsePositives stayers predicted to churn
 * @param trueNegatives stayers predicted to stay
 * @param falseNegatives churners predicted to stay
 * @param evaluationRows number of evaluated rows
 * @param method how the evaluation rows and the threshold were chosen, in words
 */
public record EvaluationMetrics(
    double rocAuc,
    double prAuc,
    double accuracy,
    double precision,
    double recall,
    double f1,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives,
    long evaluationRows,
    String method) {

  /** Checks that the confusion counts are non-negative and add up to the row count. */
  public EvaluationMetrics {
    Objects.requireNonNull(method, "method");
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("confusion counts must be >= 0");
    }
    long total = truePositives + falsePositives + trueNegatives + falseNegatives;
    if (total != evaluationRows) {
      throw new IllegalArgumentException(
          "confusion counts add up to " + total + ", not evaluationRows " + evaluationRows);
    }
  }
}
