package io.churnwire.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One scored prediction as the history keeps it. Enumerated values ({@code riskBand},
 * {@code interfaceName}, {@code method} and the categorical features) are the names of the
 * {@code churnwire.v1} enum values, e.g. {@code RISK_BAND_HIGH}, so they map back exactly.
 *
 * @param predictedAt when it was scored
 * @param requestId the request id its answer carried
 * @param customerId the customer, as sent
 * @param modelVersion the model that scored it
 * @param probability the churn probability, from 0 to 1
 * @param willChurn the decision at the model's threshold
 * @param riskBand the {@code RiskBand} name
 * @param interfaceName the {@code PredictionInterface} name (gRPC, REST or Kafka)
 * @param method the {@code PredictionMethod} name
 * @param features the features as the request sent them
 */
public record PredictionRecord(Instant predictedAt, String requestId, String customerId, String modelVersion,
    double probability, boolean willChurn, String riskBand, String interfaceName, String method,
    CustomerFeatures features) {
  public PredictionRecord {
    Objects.requireNonNull(predictedAt, "predictedAt");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(riskBand, "riskBand");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(features, "features");
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be between 0 and 1, got " + probability);
    }
  }
}
