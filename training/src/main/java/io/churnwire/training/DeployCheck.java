package io.churnwire.training;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The gate before a model becomes the production model: its metadata must be complete and its
 * held-out metrics at or above configured floors. Promotion is where a bad model would start
 * answering customers' calls, so this is checked there, not left to whoever trains.
 *
 * @param minRocAuc lowest acceptable held-out ROC AUC
 * @param minPrAuc lowest acceptable held-out PR AUC (average precision)
 * @param minRecall lowest acceptable held-out recall at the decision threshold
 * @param minPrecision lowest acceptable held-out precision at the decision threshold
 */
public record DeployCheck(double minRocAuc, double minPrAuc, double minRecall, double minPrecision)
    implements ModelRegistry.PromotionCheck {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Floors must be in [0, 1]. */
  public DeployCheck {
    for (double floor : new double[] {minRocAuc, minPrAuc, minRecall, minPrecision}) {
      if (!(floor >= 0 && floor <= 1)) {
        throw new IllegalArgumentException("deploy-check floors must be in [0, 1], got " + floor);
      }
    }
  }

  /** The floors of the bundled params file. */
  public static DeployCheck defaults() {
    return of(new Properties());
  }

  /**
   * Floors from {@code churnwire.deploy.*} keys; missing keys take the bundled defaults.
   *
   * @throws IllegalArgumentException naming the key if a value is not a number in [0, 1]
   */
  public static DeployCheck of(Properties overrides) {
    Properties p = TrainingOptions.defaultProperties();
    p.putAll(overrides);
    return new DeployCheck(floor(p, "min_roc_auc"), floor(p, "min_pr_auc"), floor(p, "min_recall"),
        floor(p, "min_precision"));
  }

  private static double floor(Properties p, String name) {
    String key = "churnwire.deploy." + name;
    String value = p.getProperty(key, "").strip();
    try {
      double floor = Double.parseDouble(value);
      if (!(floor >= 0 && floor <= 1)) {
        throw new IllegalArgumentException(key + " must be in [0, 1], got " + value);
      }
      return floor;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
    }
  }

  /**
   * Every reason {@code model}, registered in {@code dir}, must not be promoted: metrics.json must
   * be present and describe it, and its metrics must reach the floors. Empty when it may.
   */
  @Override
  public List<String> problems(ChurnModel model, Path dir) throws IOException {
    MetricsJson.Contents metrics;
    try {
      metrics = MetricsJson.read(ModelStore.readText(dir.resolve(MetricsJson.FILE)));
    } catch (InvalidModelException e) {
      return List.of(e.getMessage().contains("does not exist")
          ? MetricsJson.FILE + " is missing: the model has no evaluation report" : e.getMessage());
    }
    return problems(model.metadata(), metrics);
  }

  /**
   * Every reason the model with {@code metadata} and {@code metrics} must not be promoted; empty
   * when it may.
   */
  public List<String> problems(ModelMetadata metadata, MetricsJson.Contents metrics) {
    List<String> problems = new ArrayList<>();
    if (!metrics.version().equals(metadata.version())) {
      problems.add(MetricsJson.FILE + " describes " + metrics.version() + ", not " + metadata.version());
    }
    if (!SHA256.matcher(metadata.trainingDataSha256()).matches()) {
      problems.add("metadata.json has no SHA-256 of the training data");
    }
    if (metadata.trainingDataSource().isBlank()) {
      problems.add("metadata.json does not say where the training data came from");
    }
    if (metadata.parameters().isEmpty()) {
      problems.add("metadata.json records no training parameters");
    }
    if (!(metadata.decisionThreshold() > 0 && metadata.decisionThreshold() < 1)) {
      problems.add("decision threshold " + metadata.decisionThreshold() + " is not strictly between 0 and 1");
    }
    EvaluationMetrics m = metadata.metrics();
    if (m.evaluationRows() <= 0) {
      problems.add("the model was not evaluated on held-out rows");
    }
    below(problems, "ROC AUC", m.rocAuc(), minRocAuc);
    below(problems, "PR AUC", m.prAuc(), minPrAuc);
    below(problems, "recall", m.recall(), minRecall);
    below(problems, "precision", m.precision(), minPrecision);
    return List.copyOf(problems);
  }

  private static void below(List<String> problems, String name, double value, double floor) {
    if (!Double.isFinite(value)) {
      problems.add(name + " is missing");
    } else if (value < floor) {
      problems.add(String.format(Locale.ROOT, "%s %.4f is below the floor %.4f", name, value, floor));
    }
  }
}
