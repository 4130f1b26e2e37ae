package io.churnwire.monitoring;

/**
 * A served prediction joined with what the customer later did, the unit that realised
 * performance is measured on.
 *
 * @param probability the churn probability the model served, in [0, 1]
 * @param churned whether the customer churned
 */
public record ScoredOutcome(double probability, boolean churned) {

  /** Checks that the probability is a number in [0, 1]. */
  public ScoredOutcome {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
  }
}
