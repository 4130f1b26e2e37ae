package io.churnwire.runtime;

import java.util.Locale;

/**
 * How a churn probability reads against the model's decision threshold: {@code HIGH} from the
 * threshold on (churn is predicted), {@code MEDIUM} from half of it, {@code LOW} below. Kept with
 * the model so every place that phrases a probability (the server's answers, bulk scoring's result
 * files) draws the same bands.
 */
public enum RiskLevel {
  LOW, MEDIUM, HIGH;

  /** The level of {@code probability} for a model that predicts churn from {@code threshold} on. */
  public static RiskLevel of(double probability, double threshold) {
    if (probability >= threshold) {
      return HIGH;
    }
    return probability >= threshold / 2 ? MEDIUM : LOW;
  }

  /** The level as files and labels write it: {@code low}, {@code medium}, {@code high}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
