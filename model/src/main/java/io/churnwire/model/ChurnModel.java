package io.churnwire.model;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import smile.classification.RandomForest;

/**
 * A trained churn model: a Smile random forest plus the metadata that describes it. Immutable;
 * {@link #churnProbability} may be called from any number of threads.
 *
 * <p>Training ({@link #train}) works in three steps, all deterministic for a given seed:
 * <ol>
 *   <li>A stratified split holds out {@code testFraction} of the rows. They are used only for
 *       the reported {@link EvaluationMetrics}.
 *   <li>The decision threshold is chosen on the training split alone: the training split is cut
 *       into {@code validationFolds} stratified folds, a forest fitted on the other folds scores
 *       each fold, and the threshold maximising F1 over these out-of-fold probabilities is kept
 *       ({@link Metrics#bestF1Threshold}). The held-out rows never influence the threshold, so the
 *       reported metrics are honest.
 *   <li>The served forest is fitted on the whole training split and evaluated on the held-out
 *       rows at that threshold. By default it is kept as is, so the metrics describe exactly the
 *       model that is served; with {@code refitOnAllRows} it is refitted on all rows afterwards,
 *       trading that exactness for the extra held-out rows, and the metrics' method says so.
 * </ol>
 */
public final class ChurnModel {

  /** Algorithm name recorded in the metadata. */
  public static final String ALGORITHM = "smile.classification.RandomForest";

  private static final int SEED_STREAM_FINAL = 0;
  private static final int SEED_STREAM_FOLDS = 1;

  private final RandomForest forest;
  private final SmileForest.Scorer scorer;
  private final ModelMetadata metadata;
  private final FeatureSchema schema;
  private final byte[] serializedForest;

  private ChurnModel(RandomForest forest, byte[] serializedForest, ModelMetadata metadata) {
    this.forest = forest;
    this.scorer = new SmileForest.Scorer(forest);
    this.serializedForest = serializedForest;
    this.metadata = metadata;
    this.schema = metadata.schema();
  }

  /**
   * Trains, evaluates and describes a model; see the class comment for the procedure.
   *
   * @throws IllegalArgumentException if the data is too small or too one-sided to split, or the
   *     options do not fit the data (for example {@code mtry} above the feature count)
   */
  public static ChurnModel train(TrainingData data, TrainingOptions options) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    FeatureSchema schema = data.schema();
    double[][] rows = data.rows();
    int[] labels = data.labels();

    StratifiedSplit.Holdout split = StratifiedSplit.holdout(labels, options.testFraction(), options.seed());
    Metrics.ThresholdChoice threshold = chooseThreshold(schema, rows, labels, split.train(), options);

    RandomForest forest = SmileForest.fit(schema, rows, labels, split.train(), options,
        options.seed(), SEED_STREAM_FINAL);
    SmileForest.Scorer scorer = new SmileForest.Scorer(forest);
    double[] testScores = new double[split.test().length];
    int[] testLabels = new int[split.test().length];
    for (int i = 0; i < testScores.length; i++) {
      testScores[i] = scorer.probability(rows[split.test()[i]]);
      testLabels[i] = labels[split.test()[i]];
    }
    String method = String.format(Locale.ROOT,
        "stratified holdout of %d rows (test fraction %s, seed %d); threshold maximises F1 on "
            + "%d-fold out-of-fold probabilities of the %d training rows; served model %s",
        testScores.length, options.testFraction(), options.seed(), options.validationFolds(),
        split.train().length,
        options.refitOnAllRows() ? "refitted on all " + rows.length + " rows after evaluation"
            : "is the evaluated model, fitted on the training rows only");
    EvaluationMetrics metrics =
        EvaluationMetrics.of(testScores, testLabels, threshold.threshold(), method);

    long trainingRows = split.train().length;
    if (options.refitOnAllRows()) {
      int[] all = new int[rows.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      forest = SmileForest.fit(schema, rows, labels, all, options, options.seed(), SEED_STREAM_FINAL);
      trainingRows = rows.length;
    }

    byte[] bytes = SmileForest.serialize(forest);
    Map<String, String> parameters = new HashMap<>();
    options.toProperties().forEach((k, v) -> parameters.put((String) k, (String) v));
    parameters.put("churnwire.model.effective_mtry", Integer.toString(
        options.mtry() > 0 ? options.mtry() : (int) Math.sqrt(schema.size())));
    parameters.put("churnwire.model.effective_max_nodes", Integer.toString(
        options.maxNodes() > 0 ? options.maxNodes() : Math.max(2, (int) trainingRows / 5)));
    parameters.put("churnwire.model.split_rule", "GINI");
    parameters.put("churnwire.model.threshold_rule", "max F1 on out-of-fold probabilities");
    parameters.put("churnwire.model.threshold_validation_f1", Double.toString(threshold.f1()));
    parameters.put("churnwire.model.data_rows", Integer.toString(rows.length));
    parameters.put("churnwire.model.data_churn_rate", Double.toString(data.churnRate()));
    parameters.put("churnwire.model.test_rows", Integer.toString(split.test().length));

    ModelMetadata metadata = new ModelMetadata(versionOf(bytes), ALGORITHM, Instant.now(),
        data.sha256(), data.source(), trainingRows, schema, metrics, threshold.threshold(),
        parameters);
    return new ChurnModel(forest, bytes, metadata);
  }

  private static Metrics.ThresholdChoice chooseThreshold(FeatureSchema schema, double[][] rows,
      int[] labels, int[] train, TrainingOptions options) {
    int[] trainLabels = new int[train.length];
    for (int i = 0; i < train.length; i++) {
      trainLabels[i] = labels[train[i]];
    }
    int folds = options.validationFolds();
    int[] foldOf = StratifiedSplit.folds(trainLabels, folds, options.seed());
    double[] outOfFold = new double[train.length];
    for (int fold = 0; fold < folds; fold++) {
      int inFold = 0;
      for (int f : foldOf) {
        inFold += f == fold ? 1 : 0;
      }
      int[] fitRows = new int[train.length - inFold];
      int next = 0;
      for (int i = 0; i < train.length; i++) {
        if (foldOf[i] != fold) {
          fitRows[next++] = train[i];
        }
      }
      RandomForest forest = SmileForest.fit(schema, rows, labels, fitRows, options,
          options.seed(), SEED_STREAM_FOLDS + fold);
      SmileForest.Scorer scorer = new SmileForest.Scorer(forest);
      for (int i = 0; i < train.length; i++) {
        if (foldOf[i] == fold) {
          outOfFold[i] = scorer.probability(rows[train[i]]);
        }
      }
    }
    return Metrics.bestF1Threshold(outOfFold, trainLabels);
  }

  /**
   * Rebuilds a model from a serialized forest and its metadata, as {@link ModelStore#load} does.
   *
   * @throws InvalidModelException if the bytes do not match the metadata's version, cannot be
   *     deserialized safely, or do not fit the metadata's schema
   */
  static ChurnModel restore(byte[] serializedForest, ModelMetadata metadata) throws InvalidModelException {
    String actual = versionOf(serializedForest);
    if (!actual.equals(metadata.version())) {
      throw new InvalidModelException("model.bin has version " + actual
          + " but metadata.json says " + metadata.version() + ": the files are corrupt or mismatched");
    }
    RandomForest forest;
    try {
      forest = SmileForest.deserialize(serializedForest);
    } catch (IOException e) {
      throw new InvalidModelException("model.bin cannot be read as a forest: " + e.getMessage(), e);
    }
    String problem = SmileForest.incompatibility(forest, metadata.schema());
    if (problem != null) {
      throw new InvalidModelException("model.bin does not fit the schema in metadata.json: " + problem);
    }
    return new ChurnModel(forest, serializedForest.clone(), metadata);
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
    return scorer.probability(row);
  }

  /** Whether the model predicts churn for {@code row}, at the decision threshold. */
  public boolean predictsChurn(double[] row) {
    return churnProbability(row) >= metadata.decisionThreshold();
  }

  /** A copy of the serialized forest, exactly as {@link ModelStore} writes it to model.bin. */
  byte[] serializedForest() {
    return serializedForest.clone();
  }

  @Override
  public String toString() {
    return "ChurnModel[" + metadata.version() + ", " + forest.size() + " trees, features "
        + schema.names() + "]";
  }
}
