package io.churnwire.server;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

/**
 * The {@code ChurnService} methods that score customers, as the {@code method} label of the
 * server's metrics: a fixed set, so a label never grows with what callers send, and each with its
 * attributes built once instead of on every call.
 */
enum ScoringMethod {
  PREDICT("Predict"),
  PREDICT_BATCH("PredictBatch"),
  BATCH_PREDICT("BatchPredict");

  private final String label;
  private final Attributes attributes;

  ScoringMethod(String label) {
    this.label = label;
    this.attributes = Attributes.of(AttributeKey.stringKey("method"), label);
  }

  /** The gRPC method name, e.g. {@code PredictBatch}. */
  String label() {
    return label;
  }

  /** {@code method=<label>}. */
  Attributes attributes() {
    return attributes;
  }

  /** The method of a bare gRPC method name, or null when it does not score. */
  static ScoringMethod ofBareName(String bareMethodName) {
    for (ScoringMethod method : values()) {
      if (method.label.equals(bareMethodName)) {
        return method;
      }
    }
    return null;
  }
}
