package io.churnwire.server;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * Every setting of the server, validated once at start so that a bad value fails fast with a
 * message naming it, instead of surfacing later as a strange runtime error.
 *
 * <p>Round-trips through {@link Properties} with the keys of {@link ConfigOption}, which is how
 * flags, environment variables and the optional properties file all feed it.
 *
 * @param host                    address to bind; {@code 0.0.0.0} for all interfaces
 * @param port                    TCP port; 0 picks a free one
 * @param modelDir                model registry directory (versions/ and a production pointer)
 *                                written by the trainer; the production version is served
 * @param scoringThreads          threads that run the model
 * @param maxInFlight             scoring tasks admitted at once (running plus queued); beyond it
 *                                calls are answered {@code RESOURCE_EXHAUSTED}
 * @param streamWindow            items one {@code PredictBatch} stream may hold inside the server
 * @param maxBatchItems           largest {@code BatchPredict} request, in items
 * @param maxInboundMessageBytes  largest accepted request message
 * @param maxConcurrentStreams    concurrent calls per HTTP/2 connection
 * @param retryPushbackMillis     delay that overload answers ask clients to wait before retrying
 * @param drainTimeoutSeconds     time in-flight calls get to finish on shutdown
 * @param reloadIntervalMillis    how often the registry's production pointer is checked for a new
 *                                model; 0 turns polling off (the admin RPC still reloads)
 */
public record ServerConfig(
    String host,
    int port,
    Path modelDir,
    int scoringThreads,
    int maxInFlight,
    int streamWindow,
    int maxBatchItems,
    int maxInboundMessageBytes,
    int maxConcurrentStreams,
    long retryPushbackMillis,
    long drainTimeoutSeconds,
    long reloadIntervalMillis) {

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(modelDir, "modelDir");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    requireRange("port", port, 0, 65_535);
    requireRange("scoring-threads", scoringThreads, 1, 1_024);
    requireRange("max-in-flight", maxInFlight, 1, 1_000_000);
    requireRange("stream-window", streamWindow, 1, 10_000);
    requireRange("max-batch-items", maxBatchItems, 1, 1_000_000);
    requireRange("max-inbound-message-bytes", maxInboundMessageBytes, 1_024, Integer.MAX_VALUE);
    requireRange("max-concurrent-streams", maxConcurrentStreams, 1, Integer.MAX_VALUE);
    requireRange("retry-pushback-ms", retryPushbackMillis, 0, 3_600_000);
    requireRange("drain-timeout-seconds", drainTimeoutSeconds, 0, 3_600);
    requireRange("reload-interval-ms", reloadIntervalMillis, 0, 86_400_000);
  }

  /** The embedded defaults: port 50051, model registry in {@code ./models/default}. */
  public static ServerConfig defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new ServerConfig(
        "0.0.0.0",
        50051,
        Path.of("models", "default"),
        cores,
        cores * 32,
        32,
        1_000,
        4 * 1024 * 1024,
        100,
        100,
        30,
        2_000);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(newHost, port, modelDir, scoringThreads, maxInFlight,
        streamWindow, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, modelDir, scoringThreads, maxInFlight,
        streamWindow, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withModelDir(Path newModelDir) {
    return new ServerConfig(host, port, newModelDir, scoringThreads, maxInFlight,
        streamWindow, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withScoringCapacity(int threads, int inFlight) {
    return new ServerConfig(host, port, modelDir, threads, inFlight,
        streamWindow, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withStreamWindow(int items) {
    return new ServerConfig(host, port, modelDir, scoringThreads, maxInFlight,
        items, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withMaxBatchItems(int items) {
    return new ServerConfig(host, port, modelDir, scoringThreads, maxInFlight,
        streamWindow, items, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, reloadIntervalMillis);
  }

  public ServerConfig withReloadIntervalMillis(long millis) {
    return new ServerConfig(host, port, modelDir, scoringThreads, maxInFlight,
        streamWindow, maxBatchItems, maxInboundMessageBytes, maxConcurrentStreams,
        retryPushbackMillis, drainTimeoutSeconds, millis);
  }

  /** Reads a configuration from properties keyed by {@link ConfigOption#key()}; missing keys keep their defaults. */
  public static ServerConfig fromProperties(Properties properties) {
    Properties merged = defaults().toProperties();
    merged.putAll(properties);
    return new ServerConfig(
        ConfigOption.HOST.read(merged),
        ConfigOption.PORT.readInt(merged),
        Path.of(ConfigOption.MODEL_DIR.read(merged)),
        ConfigOption.SCORING_THREADS.readInt(merged),
        ConfigOption.MAX_IN_FLIGHT.readInt(merged),
        ConfigOption.STREAM_WINDOW.readInt(merged),
        ConfigOption.MAX_BATCH_ITEMS.readInt(merged),
        ConfigOption.MAX_INBOUND_MESSAGE_BYTES.readInt(merged),
        ConfigOption.MAX_CONCURRENT_STREAMS.readInt(merged),
        ConfigOption.RETRY_PUSHBACK_MS.readLong(merged),
        ConfigOption.DRAIN_TIMEOUT_SECONDS.readLong(merged),
        ConfigOption.RELOAD_INTERVAL_MS.readLong(merged));
  }

  /** Writes every setting under its {@link ConfigOption#key()}. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty(ConfigOption.HOST.key(), host);
    p.setProperty(ConfigOption.PORT.key(), Integer.toString(port));
    p.setProperty(ConfigOption.MODEL_DIR.key(), modelDir.toString());
    p.setProperty(ConfigOption.SCORING_THREADS.key(), Integer.toString(scoringThreads));
    p.setProperty(ConfigOption.MAX_IN_FLIGHT.key(), Integer.toString(maxInFlight));
    p.setProperty(ConfigOption.STREAM_WINDOW.key(), Integer.toString(streamWindow));
    p.setProperty(ConfigOption.MAX_BATCH_ITEMS.key(), Integer.toString(maxBatchItems));
    p.setProperty(ConfigOption.MAX_INBOUND_MESSAGE_BYTES.key(), Integer.toString(maxInboundMessageBytes));
    p.setProperty(ConfigOption.MAX_CONCURRENT_STREAMS.key(), Integer.toString(maxConcurrentStreams));
    p.setProperty(ConfigOption.RETRY_PUSHBACK_MS.key(), Long.toString(retryPushbackMillis));
    p.setProperty(ConfigOption.DRAIN_TIMEOUT_SECONDS.key(), Long.toString(drainTimeoutSeconds));
    p.setProperty(ConfigOption.RELOAD_INTERVAL_MS.key(), Long.toString(reloadIntervalMillis));
    return p;
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
