package io.churnwire.runtime;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Typed reads of required fields of the JSON files stored with a model, each failing with an
 * {@link InvalidModelException} that names the file and the field, so a damaged file is reported
 * precisely instead of surfacing later as a null.
 *
 * @param file the file name used in error messages, e.g. {@code metadata.json}
 */
public record JsonFields(String file) {

  public JsonNode object(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw missing(field, "an object");
    }
    return value;
  }

  public JsonNode array(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw missing(field, "an array");
    }
    return value;
  }

  public String text(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      throw missing(field, "a string");
    }
    return value.stringValue();
  }

  public boolean bool(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw missing(field, "a boolean");
    }
    return value.booleanValue();
  }

  /** A number; JSON null reads as NaN, the value {@link #putNumber} writes for non-finite numbers. */
  public double number(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value != null && value.isNull()) {
      return Double.NaN;
    }
    if (value == null || !value.isNumber()) {
      throw missing(field, "a number");
    }
    return value.asDouble();
  }

  public long integer(JsonNode node, String field) throws InvalidModelException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw missing(field, "an integer");
    }
    return value.longValue();
  }

  public Instant instant(JsonNode node, String field) throws InvalidModelException {
    String value = text(node, field);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidModelException(
          file + ": field '" + field + "' is not an ISO-8601 instant: '" + value + "'", e);
    }
  }

  public InvalidModelException missing(String field, String expected) {
    return new InvalidModelException(file + ": field '" + field + "' is missing or not " + expected);
  }

  /** Writes {@code value}, or null when it is not finite (JSON has no NaN or infinity). */
  public static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }
}
