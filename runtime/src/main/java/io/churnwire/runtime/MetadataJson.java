package io.churnwire.runtime;

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
 * The metadata.json format: {@link ModelMetadata} plus the hash and size of model.pb, written as
 * pretty-printed snake_case JSON through an explicit tree so the file stays stable and readable
 * whatever the record classes look like, and read back strictly with messages naming the field.
 */
public final class MetadataJson {

  /** Identifies the layout; bump it when the layout changes incompatibly. */
  static final String FORMAT = "churnwire-model/2";

  /** The layout of versions whose model.bin was a Java-serialized Smile model. */
  static final String LEGACY_FORMAT = "churnwire-model/1";

  private static final JsonFields FIELDS = new JsonFields("metadata.json");
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** What metadata.json holds: the metadata and the full hash and size of model.pb. */
  public record Contents(ModelMetadata metadata, String modelSha256, long modelBytes) {}

  private MetadataJson() {}

  public static String write(Contents contents) {
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
    JsonFields.putNumber(root, "decision_threshold", m.decisionThreshold());

    EvaluationMetrics e = m.metrics();
    ObjectNode metrics = root.putObject("metrics");
    JsonFields.putNumber(metrics, "roc_auc", e.rocAuc());
    JsonFields.putNumber(metrics, "pr_auc", e.prAuc());
    JsonFields.putNumber(metrics, "accuracy", e.accuracy());
    JsonFields.putNumber(metrics, "precision", e.precision());
    JsonFields.putNumber(metrics, "recall", e.recall());
    JsonFields.putNumber(metrics, "f1", e.f1());
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
  public static Contents read(String json) throws InvalidModelException {
    return read(json, false);
  }

  /**
   * Parses the metadata.json of a version in the earlier Java-serialized layout, for the command
   * that compiles such versions; the runtime itself never loads them.
   */
  public static Contents readLegacy(String json) throws InvalidModelException {
    return read(json, true);
  }

  private static Contents read(String json, boolean legacy) throws InvalidModelException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidModelException("metadata.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelException("metadata.json must hold a JSON object");
    }
    String format = FIELDS.text(root, "format");
    if (legacy) {
      if (!LEGACY_FORMAT.equals(format)) {
        throw new InvalidModelException("metadata.json has format '" + format + "', not the legacy '"
            + LEGACY_FORMAT + "'");
      }
    } else if (LEGACY_FORMAT.equals(format)) {
      throw new LegacyModelException("metadata.json describes a Java-serialized Smile model (model.bin), "
          + "which this runtime does not read");
    }
    if (!legacy && !FORMAT.equals(format)) {
      throw new InvalidModelException(
          "metadata.json has format '" + format + "', this build reads '" + FORMAT + "'");
    }
    try {
      JsonNode file = FIELDS.object(root, "model_file");
      JsonNode data = FIELDS.object(root, "training_data");
      JsonNode metrics = FIELDS.object(root, "metrics");
      EvaluationMetrics evaluation = new EvaluationMetrics(
          FIELDS.number(metrics, "roc_auc"), FIELDS.number(metrics, "pr_auc"), FIELDS.number(metrics, "accuracy"),
          FIELDS.number(metrics, "precision"), FIELDS.number(metrics, "recall"), FIELDS.number(metrics, "f1"),
          FIELDS.integer(metrics, "true_positives"), FIELDS.integer(metrics, "false_positives"),
          FIELDS.integer(metrics, "true_negatives"), FIELDS.integer(metrics, "false_negatives"),
          FIELDS.integer(metrics, "evaluation_rows"), FIELDS.text(metrics, "method"));
      ModelMetadata metadata = new ModelMetadata(
          FIELDS.text(root, "version"),
          FIELDS.text(root, "algorithm"),
          FIELDS.instant(root, "trained_at"),
          FIELDS.text(data, "sha256"),
          FIELDS.text(data, "source"),
          FIELDS.integer(data, "rows_used"),
          schema(root),
          evaluation,
          FIELDS.number(root, "decision_threshold"),
          parameters(root));
      return new Contents(metadata, FIELDS.text(file, "sha256"), FIELDS.integer(file, "size_bytes"));
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("metadata.json is inconsistent: " + e.getMessage(), e);
    }
  }

  private static FeatureSchema schema(JsonNode root) throws InvalidModelException {
    JsonNode array = root.get("schema");
    if (array == null || !array.isArray()) {
      throw FIELDS.missing("schema", "an array");
    }
    List<FeatureSpec> features = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode node = array.get(i);
      String path = "schema[" + i + "]";
      if (!node.isObject()) {
        throw FIELDS.missing(path, "an object");
      }
      String typeName = FIELDS.text(node, "type");
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
          throw FIELDS.missing(path + ".levels", "an array");
        }
        for (JsonNode level : levelArray) {
          if (!level.isString()) {
            throw FIELDS.missing(path + ".levels", "an array of strings");
          }
          levels.add(level.stringValue());
        }
      } else {
        min = FIELDS.number(node, "min");
        max = FIELDS.number(node, "max");
      }
      features.add(new FeatureSpec(FIELDS.text(node, "name"), type, levels, min, max,
          FIELDS.text(node, "description")));
    }
    return new FeatureSchema(features);
  }

  private static Map<String, String> parameters(JsonNode root) throws InvalidModelException {
    JsonNode node = FIELDS.object(root, "parameters");
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isString()) {
        throw FIELDS.missing("parameters." + entry.getKey(), "a string");
      }
      parameters.put(entry.getKey(), entry.getValue().stringValue());
    }
    return parameters;
  }

}
