package io.churnwire.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import io.churnwire.model.v1.Feature;
import io.churnwire.model.v1.FeatureKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A churn model as the runtime serves it: the {@code churnwire.model.v1.CompiledModel} message
 * (proto/churnwire/model/v1/compiled_model.proto), validated structurally when it is read and
 * turned into flat arrays that score rows without any training library. Reading one executes
 * nothing that the file names; a file that is not a well-formed model is refused with a reason
 * that says what is wrong and where.
 *
 * <p>Immutable and thread-safe: {@link #probability}, {@link #probabilities} and {@link #explain}
 * may be called from any number of threads.
 */
public final class CompiledModel {

  /** The layout version this runtime reads and writes. */
  public static final int FORMAT_VERSION = 1;

  private final io.churnwire.model.v1.CompiledModel message;
  private final FeatureSchema schema;
  private final List<FeatureReference> reference;
  private final ModelScorer scorer;

  private CompiledModel(io.churnwire.model.v1.CompiledModel message, FeatureSchema schema,
      List<FeatureReference> reference, ModelScorer scorer) {
    this.message = message;
    this.schema = schema;
    this.reference = reference;
    this.scorer = scorer;
  }

  /**
   * Reads and validates the bytes of a model.pb.
   *
   * @throws InvalidModelException if the bytes are not a compiled model or it fails validation
   */
  public static CompiledModel parse(byte[] bytes) throws InvalidModelException {
    io.churnwire.model.v1.CompiledModel message;
    try {
      message = io.churnwire.model.v1.CompiledModel.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidModelException("not a churnwire.model.v1.CompiledModel: " + e.getMessage(), e);
    }
    return of(message);
  }

  /**
   * Validates {@code message} and prepares it for scoring.
   *
   * @throws InvalidModelException naming the first problem found
   */
  public static CompiledModel of(io.churnwire.model.v1.CompiledModel message) throws InvalidModelException {
    Objects.requireNonNull(message, "message");
    FeatureSchema schema = CompiledModelValidator.schema(message);
    ModelScorer scorer = CompiledModelValidator.scorer(message, schema);
    List<FeatureReference> reference = CompiledModelValidator.reference(message, schema);
    return new CompiledModel(message, schema, reference, scorer);
  }

  /** The validated message, as written to model.pb. */
  public io.churnwire.model.v1.CompiledModel message() {
    return message;
  }

  /** The serialized message: the bytes of model.pb, whose hash is the model version. */
  public byte[] toByteArray() {
    return message.toByteArray();
  }

  /** The inputs the model expects, in row order. */
  public FeatureSchema schema() {
    return schema;
  }

  /** The learner the model was trained with: {@code rf}, {@code gbt} or {@code logistic}. */
  public String algorithm() {
    return message.getAlgorithm();
  }

  /** Churn is predicted when the probability is at least this. */
  public double decisionThreshold() {
    return message.getDecisionThreshold();
  }

  /** Per feature, the training distribution; empty when the model was compiled without it. */
  public List<FeatureReference> trainingReference() {
    return reference;
  }

  /**
   * The probability that the customer described by {@code row} churns.
   *
   * @param row one value per feature in schema order; categorical values as level index
   * @throws IllegalArgumentException if the row has the wrong length or a value outside its
   *     feature's domain; the message names the feature
   */
  public double probability(double[] row) {
    check(row, 0, row.length);
    return scorer.probability(row, 0);
  }

  /**
   * Scores {@code count} rows stored one after another in {@code rows} (row-major, one value per
   * feature each) into {@code out[0 .. count)}. Gives the same values as {@link #probability} row by
   * row, at a fraction of the cost per row for large blocks.
   *
   * @throws IllegalArgumentException if the arrays are too short or a row is out of its domain
   */
  public void probabilities(double[] rows, int count, double[] out) {
    int p = schema.size();
    if (count < 0 || (long) count * p > rows.length || count > out.length) {
      throw new IllegalArgumentException("cannot score " + count + " rows of " + p + " values from "
          + rows.length + " values into " + out.length + " results");
    }
    for (int r = 0; r < count; r++) {
      check(rows, r * p, p);
    }
    scorer.probabilities(rows, count, p, out);
  }

  /**
   * Per-feature contributions behind {@link #probability}: exact path-dependent TreeSHAP for tree
   * ensembles, linear SHAP for logistic regression. Costs far more than scoring.
   *
   * @throws IllegalArgumentException as {@link #probability}
   */
  public Explanation explain(double[] row) {
    check(row, 0, row.length);
    return scorer.explain(row);
  }

  private void check(double[] rows, int offset, int length) {
    Objects.requireNonNull(rows, "row");
    if (length != schema.size()) {
      throw new IllegalArgumentException(
          "row has " + length + " values, the model expects " + schema.size() + " " + schema.names());
    }
    for (int j = 0; j < length; j++) {
      FeatureSpec feature = schema.get(j);
      double value = rows[offset + j];
      if (!feature.accepts(value)) {
        throw new IllegalArgumentException(
            "feature " + feature.name() + " is " + value + ", expected " + feature.domain());
      }
    }
  }

  /** The message form of {@code schema}, as a compiled model carries it. */
  public static List<Feature> features(FeatureSchema schema) {
    List<Feature> features = new ArrayList<>();
    for (FeatureSpec spec : schema.features()) {
      Feature.Builder feature = Feature.newBuilder()
          .setName(spec.name())
          .setDescription(spec.description());
      switch (spec.type()) {
        case INTEGER -> feature.setKind(FeatureKind.FEATURE_KIND_INTEGER).setMin(spec.min()).setMax(spec.max());
        case REAL -> feature.setKind(FeatureKind.FEATURE_KIND_REAL).setMin(spec.min()).setMax(spec.max());
        case CATEGORICAL -> feature.setKind(FeatureKind.FEATURE_KIND_CATEGORICAL).addAllLevels(spec.levels());
      }
      features.add(feature.build());
    }
    return features;
  }

  @Override
  public String toString() {
    return "CompiledModel[" + algorithm() + ", features " + schema.names() + "]";
  }
}
