package io.churnwire.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A trained churn model, whatever its algorithm: a Smile random forest, gradient-boosted trees or
 * logistic regression, plus the metadata that describes it. Immutable; {@link #churnProbability}
 * and {@link #explain} may be called from any number of threads.
 *
 * <p>{@link #train} runs the procedure of {@link ModelTrainer} without the extras that only a
 * report needs; the version is the content hash of the serialized model, so the same data, options
 * and seed give the same version.
 */
public final class ChurnModel {

  private final Scorer scorer;
  private final ModelMetadata metadata;
  private final FeatureSchema schema;
  private final Algorithm algorithm;
  private final byte[] serializedModel;

  ChurnModel(Scorer scorer, byte[] serializedModel, ModelMetadata metadata) {
    this.scorer = scorer;
    this.serializedModel = serializedModel;
    this.metadata = metadata;
    this.schema = metadata.schema();
    this.algorithm = Algorithm.fromClassName(metadata.algorithm());
  }

  /**
   * Trains, selects, evaluates and describes a model; see {@link ModelTrainer}.
   *
   * @throws IllegalArgumentException if the data is too small or too one-sided to split, or the
   *     options do not fit the data (for example {@code mtry} above the feature count)
   */
  public static ChurnModel train(TrainingData data, TrainingOptions options) {
    return ModelTrainer.train(data, options, ModelTrainer.Listener.SILENT, false).model();
  }

  /**
   * Rebuilds a model from its serialized form and its metadata, as {@link ModelStore#load} does.
   *
   * @throws InvalidModelException if the bytes do not match the metadata's version, cannot be
   *     deserialized safely, or do not fit the metadata's schema
   */
  static ChurnModel restore(byte[] serializedModel, ModelMetadata metadata) throws InvalidModelException {
    String actual = versionOf(serializedModel);
    if (!actual.equals(metadata.version())) {
      throw new InvalidModelException(ModelStore.MODEL_FILE + " has version " + actual
          + " but metadata.json says " + metadata.version() + ": the files are corrupt or mismatched");
    }
    Algorithm algorithm;
    try {
      algorithm = Algorithm.fromClassName(metadata.algorithm());
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("metadata.json: " + e.getMessage() + "; this build reads "
          + java.util.Arrays.stream(Algorithm.values()).map(Algorithm::className).toList(), e);
    }
    Scorer scorer = ModelCodec.restore(algorithm, serializedModel, metadata.schema());
    return new ChurnModel(scorer, serializedModel.clone(), metadata);
  }

  /** {@code "sha256:"} followed by the first 16 hex digits of the SHA-256 of {@code bytes}. */
  static String versionOf(byte[] bytes) {
    return "sha256:" + sha256Hex(bytes).substring(0, 16);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  /** Identity, provenance, schema, metrics and threshold of this model. */
  public ModelMetadata metadata() {
    return metadata;
  }

  /** The inputs this model expects, in row order. */
  public FeatureSchema schema() {
    return schema;
  }

  /** The learner this model was fitted with. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The decision threshold: churn is predicted when the probability is at least this. */
  public double decisionThreshold() {
    return metadata.decisionThreshold();
  }

  /**
   * The probability that the customer described by {@code row} churns.
   *
   * @param row one value per feature in schema order; categorical values as level index
   * @return a probability in [0, 1]
   * @throws IllegalArgumentException if the row has the wrong length or a value outside its
   *     feature's domain; the message names the feature
   */
  public double churnProbability(double[] row) {
    check(row);
    return scorer.probability(row);
  }

  /**
   * Per-feature contributions behind {@link #churnProbability} for {@code row}; costs much more
   * than scoring (TreeSHAP walks every tree), so callers ask for it only when they show it.
   *
   * @throws IllegalArgumentException as for {@link #churnProbability}
   */
  public Explanation explain(double[] row) {
    check(row);
    return scorer.explain(row);
  }

  /** Whether the model predicts churn for {@code row}, at the decision threshold. */
  public boolean predictsChurn(double[] row) {
    return churnProbability(row) >= metadata.decisionThreshold();
  }

  /** Impurity-based importance per feature for tree models, null for logistic regression. */
  double[] impurityImportance() {
    return scorer.impurityImportance();
  }

  private void check(double[] row) {
    Objects.requireNonNull(row, "row");
    if (row.length != schema.size()) {
      throw new IllegalArgumentException(
          "row has " + row.length + " values, the model expects " + schema.size() + " " + schema.names());
    }
    for (int j = 0; j < row.length; j++) {
      FeatureSpec feature = schema.get(j);
      if (!feature.accepts(row[j])) {
        throw new IllegalArgumentException(
            "feature " + feature.name() + " is " + row[j] + ", expected " + feature.domain());
      }
    }
  }

  /** A copy of the serialized model, exactly as {@link ModelStore} writes it to model.bin. */
  byte[] serializedModel() {
    return serializedModel.clone();
  }

  @Override
  public String toString() {
    return "ChurnModel[" + metadata.version() + ", " + algorithm.shortName() + ", features "
        + schema.names() + "]";
  }
}
