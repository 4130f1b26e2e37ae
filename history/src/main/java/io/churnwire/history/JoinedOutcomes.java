package io.churnwire.history;

/**
 * Served probabilities joined with the outcomes of their customers, index by index: what the
 * realised performance of a model version is measured on.
 *
 * @param probabilities the probability of each joined prediction
 * @param churned the outcome each was joined with
 */
public record JoinedOutcomes(double[] probabilities, boolean[] churned) {
  /** Copies the arrays and checks they have the same length. */
  public JoinedOutcomes {
    if (probabilities.length != churned.length) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities for " + churned.length + " outcomes");
    }
    probabilities = probabilities.clone();
    churned = churned.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  @Override
  public boolean[] churned() {
    return churned.clone();
  }

  /** The number of joined outcomes. */
  public int size() {
    return probabilities.length;
  }
}
