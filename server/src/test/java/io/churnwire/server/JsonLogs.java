package io.churnwire.server;

import io.churnwire.telemetry.LogFormat;
import io.churnwire.telemetry.Logging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The JSON log lines a test's code writes: standard error is captured and logging switched to JSON
 * until {@link #close}, which puts both back.
 */
final class JsonLogs implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private JsonLogs() {}

  static JsonLogs capture() {
    JsonLogs logs = new JsonLogs();
    System.setErr(new PrintStream(logs.bytes, true, StandardCharsets.UTF_8));
    Logging.configure(LogFormat.JSON, ServerApplication.SERVICE_NAME);
    return logs;
  }

  /** Every line written so far, raw. */
  synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Every line written so far, parsed. */
  List<JsonNode> lines() {
    return text().lines().filter(line -> line.startsWith("{")).map(JSON::readTree).toList();
  }

  /** The access lines written so far. */
  List<JsonNode> accessLines() {
    return lines().stream().filter(line -> AccessLog.LOGGER.equals(line.path("logger_name").asString())).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
    Logging.configure(LogFormat.TEXT, ServerApplication.SERVICE_NAME);
  }
}
