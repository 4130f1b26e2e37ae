package io.churnwire.model;

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
    number(root, "decision_threshold", contents.decisionThreshold());
    number(root, "target_recall", report.targetRecall());
    writeMetrics(root.putObject("metrics"), report.metrics());
    report.validation().ifPresent(v -> {
      ObjectNode node = root.putObject("validation");
      number(node, "threshold", v.threshold());
      number(node, "recall", v.recall());
      number(node, "precision", v.precision());
      number(node, "f1", v.f1());
    });
    ArrayNode importance = root.putArray("feature_importance");
    for (ModelReport.FeatureImportance f : report.importance()) {
      ObjectNode node = importance.addObject();
      node.put("feature", f.feature());
      number(node, "roc_auc_drop", f.rocAucDrop());
    }
    ArrayNode leakage = root.putArray("leakage_check");
    for (ModelReport.FeatureSignal f : report.leakage()) {
      ObjectNode node = leakage.addObject();
      node.put("feature", f.feature());
      number(node, "single_feature_roc_auc", f.rocAuc());
      node.put("flagged", f.flagged());
    }
    ArrayNode selection = root.putArray("model_selection");
    for (ModelReport.CandidateScore c : report.candidates()) {
      ObjectNode node = selection.addObject();
      node.put("algorithm", c.algorithm().shortName());
      number(node, "mean_roc_auc", c.meanRocAuc());
      number(node, "sd_roc_auc", c.sdRocAuc());
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
    number(node, "roc_auc", m.rocAuc());
    number(node, "pr_auc", m.prAuc());
    number(node, "accuracy", m.accuracy());
    number(node, "precision", m.precision());
    number(node, "recall", m.recall());
    number(node, "f1", m.f1());
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

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
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
    if (!FORMAT.equals(text(root, "format"))) {
      throw new InvalidModelException(FILE + " has format '" + text(root, "format") + "', this build reads '" + FORMAT + "'");
    }
    try {
      JsonNode data = object(root, "data");
      List<ModelReport.FeatureImportance> importance = new ArrayList<>();
      for (JsonNode node : array(root, "feature_importance")) {
        importance.add(new ModelReport.FeatureImportance(text(node, "feature"), number(node, "roc_auc_drop")));
      }
      List<ModelReport.FeatureSignal> leakage = new ArrayList<>();
      for (JsonNode node : array(root, "leakage_check")) {
        leakage.add(new ModelReport.FeatureSignal(text(node, "feature"),
            number(node, "single_feature_roc_auc"), bool(node, "flagged")));
      }
      List<ModelReport.CandidateScore> candidates = new ArrayList<>();
      for (JsonNode node : array(root, "model_selection")) {
        candidates.add(new ModelReport.CandidateScore(Algorithm.fromShortName(text(node, "algorithm")),
            numbers(node, "fold_roc_auc"), bool(node, "selected")));
      }
      Optional<Metrics.ThresholdChoice> validation = Optional.empty();
      JsonNode v = root.get("validation");
      if (v != null && v.isObject()) {
        validation = Optional.of(new Metrics.ThresholdChoice(number(v, "threshold"), number(v, "f1"),
            number(v, "precision"), number(v, "recall")));
      }
      Optional<ModelReport.Alternative> without = Optional.empty();
      JsonNode w = root.get("without_flagged_features");
      if (w != null && w.isObject()) {
        List<String> features = new ArrayList<>();
        for (JsonNode f : array(w, "features")) {
          features.add(f.stringValue());
        }
        without = Optional.of(new ModelReport.Alternative(features, readMetrics(object(w, "metrics")),
            curve(object(w, "roc_curve"), "fpr", "tpr")));
      }
      JsonNode curves = object(root, "curves");
      ModelReport report = new ModelReport(readMetrics(object(root, "metrics")),
          curve(object(curves, "roc"), "fpr", "tpr"),
          curve(object(curves, "precision_recall"), "recall", "precision"),
          importance, leakage, candidates, validation, number(root, "target_recall"), without);
      Map<String, String> params = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : object(root, "params").properties()) {
        params.put(entry.getKey(), entry.getValue().asString());
      }
      return new Contents(text(root, "version"), text(root, "algorithm"), number(root, "decision_threshold"),
          text(data, "sha256"), text(data, "source"), report, params);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(FILE + " is inconsistent: " + e.getMessage(), e);
    }
  }

  private static EvaluationMetrics readMetrics(JsonNode node) throws InvalidModelException {
    JsonNode confusion = object(node, "confusion_matrix");
    return new EvaluationMetrics(number(node, "roc_auc"), number(node, "pr_auc"), number(node, "accuracy"),
        number(node, "precision"), number(node, "recall"), number(node, "f1"),
        integer(confusion, "true_positives"), integer(confusion, "false_positives"),
        integer(confusion, "true_negatives"), integer(confusion, "false_negatives"),
        integer(node, "evaluation_rows"), text(node, "method"));
  }

  private static Metrics.Curve curve(JsonNode node, String x, String y) throws InvalidModelException {
    return new Metrics.Curve(numbers(node, x), numbers(node, y));
  }

  private static double[] numbers(JsonNode node, String field) throws InvalidModelException {
    JsonNode values = array(node, field);
    double[] result = new double[values.size()];
    for (int i = 0; i < result.length; i++) {
      if (!values.get(i).isNumber()) {
        throw missing(field, "an array of numbers");
      }
      result[i] = values.get(i).asDouble();
    }
    return result;
  }

  private static JsonNode array(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw missing(field, "an array");
    }
    return value;
  }

  private static JsonNode object(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw missing(field, "an object");
    }
    return value;
  }

  private static String text(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      throw missing(field, "a string");
    }
    return value.stringValue();
  }

  private static boolean bool(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw missing(field, "a boolean");
    }
    return value.booleanValue();
  }

  private static double number(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value != null && value.isNull()) {
      return Double.NaN;
    }
    if (value == null || !value.isNumber()) {
      throw missing(field, "a number");
    }
    return value.asDouble();
  }

  private static long integer(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw missing(field, "an integer");
    }
    return value.longValue();
  }

  private static InvalidModelException missing(String field, String expected) {
    return new InvalidModelException(FILE + ": field '" + field + "' is missing or not " + expected);
  }
}
