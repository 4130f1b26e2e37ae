package io.churnwire.runtime;

import java.util.Objects;

/**
 * A registered model ready to score: the compiled model and the metadata that describes it
 * (version, provenance, metrics). Immutable and thread-safe.
 *
 * @param compiled what scores
 * @param metadata what describes it; its version is the hash of {@code compiled}'s bytes
 */
public record ChurnModel(CompiledModel compiled, ModelMetadata metadata) {

  /**
   * Pairs a compiled model with its metadata after checking that they describe the same model.
   *
   * @throws IllegalArgumentException if the schema or threshold disagree
   */
  public ChurnModel {
    Objects.requireNonNull(compiled, "compiled");
    Objects.requireNonNull(metadata, "metadata");
    if (!compiled.schema().equals(metadata.schema())) {
      throw new IllegalArgumentException("the compiled model has features " + compiled.schema().names()
          + ", the metadata " + metadata.schema().names());
    }
    if (compiled.decisionThreshold() != metadata.decisionThreshold()) {
      throw new IllegalArgumentException("the compiled model's threshold " + compiled.decisionThreshold()
          + " differs from the metadata's " + metadata.decisionThreshold());
    }
  }

  /** The version, {@code sha256:} and 16 hex digits of the hash of model.pb. */
  public String version() {
    return metadata.version();
  }

  /** The inputs this model expects, in row order. */
  public FeatureSchema schema() {
    return compiled.schema();
  }

  /** The decision threshold: churn is predicted when the probability is at least this. */
  public double decisionThreshold() {
    return compiled.decisionThreshold();
  }

  /** See {@link CompiledModel#probability}. */
  public double churnProbability(double[] row) {
    return compiled.probability(row);
  }

  /** See {@link CompiledModel#explain}. */
  public Explanation explain(double[] row) {
    return compiled.explain(row);
  }

  /** Whether the model predicts churn for {@code row}, at the decision threshold. */
  public boolean predictsChurn(double[] row) {
    return churnProbability(row) >= decisionThreshold();
  }

  @Override
  public String toString() {
    return "ChurnModel[" + version() + ", " + compiled.algorithm() + ", features " + schema().names() + "]";
  }
}
