package io.churnwire.training;

import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.JsonFields;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The metrics.json format: a model's {@link ModelReport} with the identity, data hash and params
 * from its metadata, so that one file answers "how good is this version, on what data, trained
 * how". Curves are thinned to at most {@value #CURVE_POINTS} points; they exist for the charts.
 */
public final class MetricsJson {

  /** File name inside a version directory. */
  public static final String FILE = "metrics.json";

  /** Identifies the layout; bump it when the layout changes incompatibly. */
  static final String FORMAT = "churnwire-metrics/1";

  static final int CURVE_POINTS = 400;

  private static final JsonFields FIELDS = new JsonFields(FILE);
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /**
   * What metrics.json holds.
   *
   * @param version the model version
   * @param algorithm the Smile class of the model
   * @param decisionThreshold the model's threshold
   * @param dataSha256 SHA-256 of the training (or evaluation) data
   * @param dataSource where that data came from
   * @param report the report
   * @param params the model's parameters
   */
  public record Contents(String version, String algorithm, double decisionThreshold, String dataSha256,
      String dataSource, ModelReport report, Map<String, String> params) {}

  private MetricsJson() {}

  /** Writes metrics.json for {@code metadata} and {@code report} into a version being registered. */
  public static ModelRegistry.Extras extras(ModelMetadata metadata, ModelReport report) {
    return dir -> ModelStore.writeAtomically(dir.resolve(FILE),
        write(metadata, report).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The metrics.json of {@code version} in {@code registry}. */
  public static Contents read(ModelRegistry registry, String version) throws java.io.IOException {
    return read(ModelStore.readText(registry.versionDir(version).resolve(FILE)));
  }

  /** metrics.json for a trained model. */
  public static String write(ModelMetadata metadata, ModelReport report) {
    return write(contents(metadata, report));
  }

  /** The contents of metrics.json for a model with {@code metadata} and {@code report}. */
  public static Contents contents(ModelMetadata metadata, ModelReport report) {
    return new Contents(metadata.version(), metadata.algorithm(), metadata.decisionThreshold(),
        metadata.trainingDataSha256(), metadata.trainingDataSource(), report, metadata.parameters());
  }

  /** metrics.json from its contents. */
  public static String write(Contents contents) {
    ModelReport report = contents.report();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", contents.version());
    root.put("algorithm", contents.algorithm());
    ObjectNode data = root.putObject("data");
    data.put("source", contents.dataSource());
    data.put("sha256", contents.dataSha256());
    JsonFields.putNumber(root, "decision_threshold", contents.decisionThreshold());
    JsonFields.putNumber(root, "target_recall", report.targetRecall());
    writeMetrics(root.putObject("metrics"), report.metrics());
    report.validation().ifPresent(v -> {
      ObjectNode node = root.putObject("validation");
      JsonFields.putNumber(node, "threshold", v.threshold());
      JsonFields.putNumber(node, "recall", v.recall());
      JsonFields.putNumber(node, "precision", v.precision());
      JsonFields.putNumber(node, "f1", v.f1());
    });
    ArrayNode importance = root.putArray("feature_importance");
    for (ModelReport.FeatureImportance f : report.importance()) {
      ObjectNode node = importance.addObject();
      node.put("feature", f.feature());
      JsonFields.putNumber(node, "roc_auc_drop", f.rocAucDrop());
    }
    ArrayNode leakage = root.putArray("leakage_check");
    for (ModelReport.FeatureSignal f : report.leakage()) {
      ObjectNode node = leakage.addObject();
      node.put("feature", f.feature());
      JsonFields.putNumber(node, "single_feature_roc_auc", f.rocAuc());
      node.put("flagged", f.flagged());
    }
    ArrayNode selection = root.putArray("model_selection");
    for (ModelReport.CandidateScore c : report.candidates()) {
      ObjectNode node = selection.addObject();
      node.put("algorithm", c.algorithm().shortName());
      JsonFields.putNumber(node, "mean_roc_auc", c.meanRocAuc());
      JsonFields.putNumber(node, "sd_roc_auc", c.sdRocAuc());
      ArrayNode folds = node.putArray("fold_roc_auc");
      for (double v : c.foldRocAuc()) {
        folds.add(v);
      }
      node.put("selected", c.selected());
    }
    if (report.withoutFlagged().isPresent()) {
      ModelReport.Alternative alternative = report.withoutFlagged().get();
      ObjectNode node = root.putObject("without_flagged_features");
      ArrayNode features = node.putArray("features");
      alternative.features().forEach(features::add);
      writeMetrics(node.putObject("metrics"), alternative.metrics());
      writeCurve(node.putObject("roc_curve"), "fpr", "tpr", alternative.roc());
    } else {
      root.putNull("without_flagged_features");
    }
    ObjectNode curves = root.putObject("curves");
    writeCurve(curves.putObject("roc"), "fpr", "tpr", report.roc());
    writeCurve(curves.putObject("precision_recall"), "recall", "precision", report.precisionRecall());
    ObjectNode params = root.putObject("params");
    new java.util.TreeMap<>(contents.params()).forEach(params::put);
    return MAPPER.writeValueAsString(root) + "\n";
  }

  private static void writeMetrics(ObjectNode node, EvaluationMetrics m) {
    JsonFields.putNumber(node, "roc_auc", m.rocAuc());
    JsonFields.putNumber(node, "pr_auc", m.prAuc());
    JsonFields.putNumber(node, "accuracy", m.accuracy());
    JsonFields.putNumber(node, "precision", m.precision());
    JsonFields.putNumber(node, "recall", m.recall());
    JsonFields.putNumber(node, "f1", m.f1());
    ObjectNode confusion = node.putObject("confusion_matrix");
    confusion.put("true_positives", m.truePositives());
    confusion.put("false_positives", m.falsePositives());
    confusion.put("true_negatives", m.trueNegatives());
    confusion.put("false_negatives", m.falseNegatives());
    node.put("evaluation_rows", m.evaluationRows());
    node.put("method", m.method());
  }

  private static void writeCurve(ObjectNode node, String x, String y, Metrics.Curve curve) {
    Metrics.Curve thin = curve.thinned(CURVE_POINTS);
    ArrayNode xs = node.putArray(x);
    ArrayNode ys = node.putArray(y);
    for (double v : thin.x()) {
      xs.add(v);
    }
    for (double v : thin.y()) {
      ys.add(v);
    }
  }

  /**
   * Parses metrics.json.
   *
   * @throws InvalidModelException naming the field if the JSON is malformed or a field is missing
   */
  public static Contents read(String json) throws InvalidModelException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidModelException(FILE + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelException(FILE + " must hold a JSON object");
    }
    if (!FORMAT.equals(FIELDS.text(root, "format"))) {
      throw new InvalidModelException(FILE + " has format '" + FIELDS.text(root, "format") + "', this build reads '" + FORMAT + "'");
    }
    try {
      JsonNode data = FIELDS.object(root, "data");
      List<ModelReport.FeatureImportance> importance = new ArrayList<>();
      for (JsonNode node : FIELDS.array(root, "feature_importance")) {
        importance.add(new ModelReport.FeatureImportance(FIELDS.text(node, "feature"), FIELDS.number(node, "roc_auc_drop")));
      }
      List<ModelReport.FeatureSignal> leakage = new ArrayList<>();
      for (JsonNode node : FIELDS.array(root, "leakage_check")) {
        leakage.add(new ModelReport.FeatureSignal(FIELDS.text(node, "feature"),
            FIELDS.number(node, "single_feature_roc_auc"), FIELDS.bool(node, "flagged")));
      }
      List<ModelReport.CandidateScore> candidates = new ArrayList<>();
      for (JsonNode node : FIELDS.array(root, "model_selection")) {
        candidates.add(new ModelReport.CandidateScore(Algorithm.fromShortName(FIELDS.text(node, "algorithm")),
            numbers(node, "fold_roc_auc"), FIELDS.bool(node, "selected")));
      }
      Optional<Metrics.ThresholdChoice> validation = Optional.empty();
      JsonNode v = root.get("validation");
      if (v != null && v.isObject()) {
        validation = Optional.of(new Metrics.ThresholdChoice(FIELDS.number(v, "threshold"), FIELDS.number(v, "f1"),
            FIELDS.number(v, "precision"), FIELDS.number(v, "recall")));
      }
      Optional<ModelReport.Alternative> without = Optional.empty();
      JsonNode w = root.get("without_flagged_features");
      if (w != null && w.isObject()) {
        List<String> features = new ArrayList<>();
        for (JsonNode f : FIELDS.array(w, "features")) {
          features.add(f.stringValue());
        }
        without = Optional.of(new ModelReport.Alternative(features, readMetrics(FIELDS.object(w, "metrics")),
            curve(FIELDS.object(w, "roc_curve"), "fpr", "tpr")));
      }
      JsonNode curves = FIELDS.object(root, "curves");
      ModelReport report = new ModelReport(readMetrics(FIELDS.object(root, "metrics")),
          curve(FIELDS.object(curves, "roc"), "fpr", "tpr"),
          curve(FIELDS.object(curves, "precision_recall"), "recall", "precision"),
          importance, leakage, candidates, validation, FIELDS.number(root, "target_recall"), without);
      Map<String, String> params = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : FIELDS.object(root, "params").properties()) {
        params.put(entry.getKey(), entry.getValue().asString());
      }
      return new Contents(FIELDS.text(root, "version"), FIELDS.text(root, "algorithm"), FIELDS.number(root, "decision_threshold"),
          FIELDS.text(data, "sha256"), FIELDS.text(data, "source"), report, params);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(FILE + " is inconsistent: " + e.getMessage(), e);
    }
  }

  private static EvaluationMetrics readMetrics(JsonNode node) throws InvalidModelException {
    JsonNode confusion = FIELDS.object(node, "confusion_matrix");
    return new EvaluationMetrics(FIELDS.number(node, "roc_auc"), FIELDS.number(node, "pr_auc"), FIELDS.number(node, "accuracy"),
        FIELDS.number(node, "precision"), FIELDS.number(node, "recall"), FIELDS.number(node, "f1"),
        FIELDS.integer(confusion, "true_positives"), FIELDS.integer(confusion, "false_positives"),
        FIELDS.integer(confusion, "true_negatives"), FIELDS.integer(confusion, "false_negatives"),
        FIELDS.integer(node, "evaluation_rows"), FIELDS.text(node, "method"));
  }

  private static Metrics.Curve curve(JsonNode node, String x, String y) throws InvalidModelException {
    return new Metrics.Curve(numbers(node, x), numbers(node, y));
  }

  private static double[] numbers(JsonNode node, String field) throws InvalidModelException {
    JsonNode values = FIELDS.array(node, field);
    double[] result = new double[values.size()];
    for (int i = 0; i < result.length; i++) {
      if (!values.get(i).isNumber()) {
        throw FIELDS.missing(field, "an array of numbers");
      }
      result[i] = values.get(i).asDouble();
    }
    return result;
  }

}
