package io.churnwire.history;

import java.time.Instant;
import java.util.Objects;

/**
 * What became of one customer, as observed at one time: the truth a prediction is measured
 * against once it arrives. A customer and an observation time identify an outcome.
 *
 * @param customerId the customer, as the predictions named them
 * @param churned whether the customer had left at {@code observedAt}
 * @param observedAt when it was observed
 */
public record OutcomeRecord(String customerId, boolean churned, Instant observedAt) {
  public OutcomeRecord {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(observedAt, "observedAt");
  }
}
