package io.churnwire.monitoring;

import java.util.OptionalDouble;

/**
 * The four outcomes of the decision {@code probability >= threshold}, the same rule by which the
 * server answers {@code will_churn}, with the rates read from them. A rate whose denominator is 0
 * is empty rather than 0 or NaN, so that "nothing was predicted to churn" is not mistaken for a
 * precision of 0.
 *
 * @param truePositives churners predicted to churn
 * @param falsePositives stayers predicted to churn
 * @param trueNegatives stayers predicted to stay
 * @param falseNegatives churners predicted to stay
 */
public record ConfusionCounts(
    long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

  /** Checks that no count is negative. */
  public ConfusionCounts {
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("confusion counts must be >= 0, got tp=" + truePositives
          + " fp=" + falsePositives + " tn=" + trueNegatives + " fn=" + falseNegatives);
    }
  }

  /** The counts of predicting churn for {@code probability >= threshold} on {@code outcomes}. */
  public static ConfusionCounts at(double threshold, Iterable<ScoredOutcome> outcomes) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (ScoredOutcome outcome : outcomes) {
      boolean predicted = outcome.probability() >= threshold;
      if (outcome.churned()) {
        if (predicted) {
          tp++;
        } else {
          fn++;
        }
      } else if (predicted) {
        fp++;
      } else {
        tn++;
      }
    }
    return new ConfusionCounts(tp, fp, tn, fn);
  }

  /** True positives over predicted positives; empty when nothing was predicted to churn. */
  public OptionalDouble precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /** True positives over actual positives; empty when nobody churned. */
  public OptionalDouble recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /**
   * {@code 2 tp / (2 tp + fp + fn)}, the harmonic mean of precision and recall where both exist;
   * 0 when there are churners and none was caught, empty only when nobody churned and nobody was
   * predicted to (as scikit-learn's {@code f1_score} computes it).
   */
  public OptionalDouble f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  private static OptionalDouble ratio(long numerator, long denominator) {
    return denominator == 0 ? OptionalDouble.empty() : OptionalDouble.of(numerator / (double) denominator);
  }
}
