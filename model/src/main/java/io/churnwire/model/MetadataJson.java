package io.churnwire.model;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The metadata.json format: {@link ModelMetadata} plus the hash and size of model.bin, written as
 * pretty-printed snake_case JSON through an explicit tree so the file stays stable and readable
 * whatever the record classes look like, and read back strictly with messages naming the field.
 */
final class MetadataJson {

  /** Identifies the layout; bump it when the layout changes incompatibly. */
  static final String FORMAT = "churnwire-model/1";

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** What metadata.json holds: the metadata and the full hash and size of model.bin. */
  record Contents(ModelMetadata metadata, String modelSha256, long modelBytes) {}

  private MetadataJson() {}

  static String write(Contents contents) {
    ModelMetadata m = contents.metadata();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", m.version());
    root.put("algorithm", m.algorithm());
    root.put("trained_at", m.trainedAt().toString());
    ObjectNode file = root.putObject("model_file");
    file.put("name", ModelStore.MODEL_FILE);
    file.put("sha256", contents.modelSha256());
    file.put("size_bytes", contents.modelBytes());
    ObjectNode data = root.putObject("training_data");
    data.put("source", m.trainingDataSource());
    data.put("sha256", m.trainingDataSha256());
    data.put("rows_used", m.trainingRows());
    putNumber(root, "decision_threshold", m.decisionThreshold());

    EvaluationMetrics e = m.metrics();
    ObjectNode metrics = root.putObject("metrics");
    putNumber(metrics, "roc_auc", e.rocAuc());
    putNumber(metrics, "pr_auc", e.prAuc());
    putNumber(metrics, "accuracy", e.accuracy());
    putNumber(metrics, "precision", e.precision());
    putNumber(metrics, "recall", e.recall());
    putNumber(metrics, "f1", e.f1());
    metrics.put("true_positives", e.truePositives());
    metrics.put("false_positives", e.falsePositives());
    metrics.put("true_negatives", e.trueNegatives());
    metrics.put("false_negatives", e.falseNegatives());
    metrics.put("evaluation_rows", e.evaluationRows());
    metrics.put("method", e.method());

    ArrayNode features = root.putArray("schema");
    for (FeatureSpec spec : m.schema().features()) {
      ObjectNode feature = features.addObject();
      feature.put("name", spec.name());
      feature.put("type", spec.type().name());
      if (spec.isCategorical()) {
        ArrayNode levels = feature.putArray("levels");
        spec.levels().forEach(levels::add);
      } else {
        feature.put("min", spec.min());
        feature.put("max", spec.max());
      }
      feature.put("description", spec.description());
    }

    ObjectNode parameters = root.putObject("parameters");
    m.parameters().forEach(parameters::put);
    return MAPPER.writeValueAsString(root) + "\n";
  }

  /**
   * Parses metadata.json.
   *
   * @throws InvalidModelException naming the field if the JSON is malformed, a field is missing or
   *     has the wrong type, or the values are inconsistent
   */
  static Contents read(String json) throws InvalidModelException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidModelException("metadata.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelException("metadata.json must hold a JSON object");
    }
    String format = text(root, "format");
    if (!FORMAT.equals(format)) {
      throw new InvalidModelException(
          "metadata.json has format '" + format + "', this build reads '" + FORMAT + "'");
    }
    try {
      JsonNode file = object(root, "model_file");
      JsonNode data = object(root, "training_data");
      JsonNode metrics = object(root, "metrics");
      EvaluationMetrics evaluation = new EvaluationMetrics(
          number(metrics, "roc_auc"), number(metrics, "pr_auc"), number(metrics, "accuracy"),
          number(metrics, "precision"), number(metrics, "recall"), number(metrics, "f1"),
          integer(metrics, "true_positives"), integer(metrics, "false_positives"),
          integer(metrics, "true_negatives"), integer(metrics, "false_negatives"),
          integer(metrics, "evaluation_rows"), text(metrics, "method"));
      ModelMetadata metadata = new ModelMetadata(
          text(root, "version"),
          text(root, "algorithm"),
          instant(root, "trained_at"),
          text(data, "sha256"),
          text(data, "source"),
          integer(data, "rows_used"),
          schema(root),
          evaluation,
          number(root, "decision_threshold"),
          parameters(root));
      return new Contents(metadata, text(file, "sha256"), integer(file, "size_bytes"));
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("metadata.json is inconsistent: " + e.getMessage(), e);
    }
  }

  private static FeatureSchema schema(JsonNode root) throws InvalidModelException {
    JsonNode array = root.get("schema");
    if (array == null || !array.isArray()) {
      throw missing("schema", "an array");
    }
    List<FeatureSpec> features = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode node = array.get(i);
      String path = "schema[" + i + "]";
      if (!node.isObject()) {
        throw missing(path, "an object");
      }
      String typeName = text(node, "type");
      FeatureType type;
      try {
        type = FeatureType.valueOf(typeName);
      } catch (IllegalArgumentException e) {
        throw new InvalidModelException("metadata.json: " + path + ".type is '" + typeName
            + "', expected one of " + List.of(FeatureType.values()));
      }
      List<String> levels = new ArrayList<>();
      double min = Double.NaN;
      double max = Double.NaN;
      if (type == FeatureType.CATEGORICAL) {
        JsonNode levelArray = node.get("levels");
        if (levelArray == null || !levelArray.isArray()) {
          throw missing(path + ".levels", "an array");
        }
        for (JsonNode level : levelArray) {
          if (!level.isString()) {
            throw missing(path + ".levels", "an array of strings");
          }
          levels.add(level.stringValue());
        }
      } else {
        min = number(node, "min");
        max = number(node, "max");
      }
      features.add(new FeatureSpec(text(node, "name"), type, levels, min, max,
          text(node, "description")));
    }
    return new FeatureSchema(features);
  }

  private static Map<String, String> parameters(JsonNode root) throws InvalidModelException {
    JsonNode node = object(root, "parameters");
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isString()) {
        throw missing("parameters." + entry.getKey(), "a string");
      }
      parameters.put(entry.getKey(), entry.getValue().stringValue());
    }
    return parameters;
  }

  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
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

  private static Instant instant(JsonNode node, String field) throws InvalidModelException {
    String value = text(node, field);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidModelException(
          "metadata.json: field '" + field + "' is not an ISO-8601 instant: '" + value + "'", e);
    }
  }

  private static InvalidModelException missing(String field, String expected) {
    return new InvalidModelException(
        "metadata.json: field '" + field + "' is missing or not " + expected);
  }
}
