package io.churnwire.runtime;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a server or an operator needs to know about a trained model without loading it:
 * identity, provenance, input schema, evidence of quality and the decision threshold.
 *
 * @param version content hash of the compiled model (model.pb), {@code "sha256:" + 16 hex digits};
 *     the same data, options and seed give the same version
 * @param algorithm the learner, for example {@code smile.classification.RandomForest}
 * @param trainedAt when training finished
 * @param trainingDataSha256 SHA-256 (hex) of the training data as the trainer read it
 * @param trainingDataSource where the training data came from
 * @param trainingRows rows the served model was fitted on (the training split, or all rows when
 *     refitted)
 * @param schema the model inputs, in row order
 * @param metrics held-out evaluation at {@code decisionThreshold}
 * @param decisionThreshold predict churn when the probability is at least this
 * @param parameters training parameters and derived settings as strings, sorted by key
 */
public record ModelMetadata(
    String version,
    String algorithm,
    Instant trainedAt,
    String trainingDataSha256,
    String trainingDataSource,
    long trainingRows,
    FeatureSchema schema,
    EvaluationMetrics metrics,
    double decisionThreshold,
    Map<String, String> parameters) {

  /** Checks for nulls and ranges and freezes the parameters in key order. */
  public ModelMetadata {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(trainedAt, "trainedAt");
    Objects.requireNonNull(trainingDataSha256, "trainingDataSha256");
    Objects.requireNonNull(trainingDataSource, "trainingDataSource");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(parameters, "parameters");
    if (trainingRows < 0) {
      throw new IllegalArgumentException("trainingRows must be >= 0, got " + trainingRows);
    }
    if (!(decisionThreshold >= 0 && decisionThreshold <= 1)) {
      throw new IllegalArgumentException("decisionThreshold must be in [0, 1], got " + decisionThreshold);
    }
    parameters.forEach((key, value) -> Objects.requireNonNull(value, "parameter " + key));
    parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
  }
}
