package io.churnwire.server;

import java.util.Locale;
import java.util.Properties;

/**
 * The server's settings, each reachable three ways: a command-line flag ({@code --port}), an
 * environment variable ({@code CHURNWIRE_PORT}) and a properties-file key
 * ({@code churnwire.server.port}). One table so that {@code --help}, the README and the parser
 * cannot disagree.
 */
public enum ConfigOption {
  HOST("churnwire.server.host", "host", "Address to bind; 0.0.0.0 listens on every interface."),
  PORT("churnwire.server.port", "port", "gRPC port; 0 picks a free port."),
  MODEL_DIR("churnwire.model.dir", "model-dir",
      "Model registry (versions/ and a production pointer) written by churnwire-model; the production version is served."),
  SCORING_THREADS("churnwire.scoring.threads", "scoring-threads", "Threads that run the model."),
  MAX_IN_FLIGHT("churnwire.scoring.max-in-flight", "max-in-flight",
      "Scoring tasks admitted at once; beyond it calls get RESOURCE_EXHAUSTED."),
  STREAM_WINDOW("churnwire.scoring.stream-window", "stream-window",
      "Items one PredictBatch stream may hold in the server (flow-control window)."),
  MAX_BATCH_ITEMS("churnwire.scoring.max-batch-items", "max-batch-items",
      "Largest BatchPredict request, in items."),
  MAX_INBOUND_MESSAGE_BYTES("churnwire.server.max-inbound-message-bytes",
      "max-inbound-message-bytes", "Largest accepted request message, in bytes."),
  MAX_CONCURRENT_STREAMS("churnwire.server.max-concurrent-streams", "max-concurrent-streams",
      "Concurrent calls per HTTP/2 connection."),
  RETRY_PUSHBACK_MS("churnwire.scoring.retry-pushback-ms", "retry-pushback-ms",
      "Delay overload answers ask clients to wait before retrying, in milliseconds."),
  DRAIN_TIMEOUT_SECONDS("churnwire.server.drain-timeout-seconds", "drain-timeout-seconds",
      "Time in-flight calls get to finish on shutdown, in seconds."),
  RELOAD_INTERVAL_MS("churnwire.model.reload-interval-ms", "reload-interval-ms",
      "How often the registry's production pointer is checked for a new model, in milliseconds; 0 turns polling off.");

  private final String key;
  private final String flag;
  private final String description;

  ConfigOption(String key, String flag, String description) {
    this.key = key;
    this.flag = flag;
    this.description = description;
  }

  /** Properties-file key, e.g. {@code churnwire.server.port}. */
  public String key() {
    return key;
  }

  /** Flag name without dashes, e.g. {@code port}. */
  public String flag() {
    return flag;
  }

  /** Environment variable, e.g. {@code CHURNWIRE_PORT}. */
  public String environmentVariable() {
    return "CHURNWIRE_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String description() {
    return description;
  }

  String read(Properties properties) {
    return properties.getProperty(key, "").trim();
  }

  int readInt(Properties properties) {
    long value = readLong(properties);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
    return (int) value;
  }

  long readLong(Properties properties) {
    String value = read(properties);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'", e);
    }
  }
}
