package io.churnwire.history;

import java.util.Optional;

/**
 * Which predictions a query covers: a time range and, optionally, one risk band (its
 * {@code RiskBand} name), one model version and one customer.
 */
public record PredictionFilter(TimeRange range, Optional<String> riskBand, Optional<String> modelVersion,
    Optional<String> customerId) {
  /** Every prediction in {@code range}. */
  public static PredictionFilter in(TimeRange range) {
    return new PredictionFilter(range, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
