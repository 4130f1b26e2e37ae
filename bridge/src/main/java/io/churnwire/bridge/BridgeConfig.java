package io.churnwire.bridge;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Every setting of the bridge, validated once so a bad value fails at start with a message naming
 * it. Round-trips through {@link Properties} under {@code churnwire.bridge.*} keys, which is how a
 * properties file, environment variables ({@code CHURNWIRE_BRIDGE_*}) and flags all feed it.
 *
 * @param bootstrapServers Kafka bootstrap address list
 * @param serverTarget gRPC target of the scoring server, e.g. {@code 127.0.0.1:50051}
 * @param groupId consumer group shared by all bridge instances that split the request partitions
 * @param requestTopic topic of {@code PredictRequest} records
 * @param responseTopic topic the {@code PredictResponse} records go to
 * @param deadLetterTopic topic of records that could not be decoded or were refused as invalid
 * @param maxInFlight records polled and not yet committable, at most; the memory bound
 * @param maxPollRecords records one poll may return; the consumer polls only when that many fit
 * @param commitInterval how often acknowledged offsets are committed while running
 * @param retryInitial first backoff after a transient scoring error
 * @param retryMax largest backoff after repeated transient errors
 * @param itemTimeout how long an item may stay unanswered before the stream is restarted
 * @param drainTimeout how long a stop or a rebalance waits for in-flight records to be answered
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 * @param clientId prefix of the Kafka client ids, visible in broker logs and metrics
 */
public record BridgeConfig(
    String bootstrapServers,
    String serverTarget,
    String groupId,
    String requestTopic,
    String responseTopic,
    String deadLetterTopic,
    int maxInFlight,
    int maxPollRecords,
    Duration commitInterval,
    Duration retryInitial,
    Duration retryMax,
    Duration itemTimeout,
    Duration drainTimeout,
    Duration sessionTimeout,
    String clientId) {

  /** The namespace of every property key. */
  public static final String PREFIX = "churnwire.bridge.";

  /** Validates every setting and names the bad value. */
  public BridgeConfig {
    requireText("bootstrap-servers", bootstrapServers);
    requireText("server-target", serverTarget);
    requireText("group-id", groupId);
    requireText("request-topic", requestTopic);
    requireText("response-topic", responseTopic);
    requireText("dlq-topic", deadLetterTopic);
    requireText("client-id", clientId);
    if (requestTopic.equals(responseTopic) || requestTopic.equals(deadLetterTopic)) {
      throw new IllegalArgumentException("request-topic '" + requestTopic
          + "' must differ from response-topic and dlq-topic, or the bridge would consume its own output");
    }
    requireRange("max-in-flight", maxInFlight, 1, 1_000_000);
    requireRange("max-poll-records", maxPollRecords, 1, 1_000_000);
    requirePositive("commit-interval-ms", commitInterval);
    requirePositive("retry-initial-ms", retryInitial);
    requirePositive("retry-max-ms", retryMax);
    requirePositive("item-timeout-ms", itemTimeout);
    requirePositive("drain-timeout-ms", drainTimeout);
    requirePositive("session-timeout-ms", sessionTimeout);
    if (retryInitial.compareTo(retryMax) > 0) {
      throw new IllegalArgumentException("retry-initial-ms (" + retryInitial.toMillis()
          + ") must not exceed retry-max-ms (" + retryMax.toMillis() + ")");
    }
  }

  /** The defaults: local broker and server, the topic names, 1000 records in flight. */
  public static BridgeConfig defaults() {
    return new BridgeConfig("127.0.0.1:9092", "127.0.0.1:50051", "churnwire-bridge",
        "churn.requests", "churn.predictions", "churn.requests.dlq", 1_000, 500,
        Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(45), "churnwire-bridge");
  }

  /** Records one poll may return: {@link #maxPollRecords()} capped by {@link #maxInFlight()}. */
  public int effectiveMaxPollRecords() {
    return Math.min(maxPollRecords, maxInFlight);
  }

  /** A copy that talks to other Kafka and gRPC endpoints. */
  public BridgeConfig withEndpoints(String newBootstrapServers, String newServerTarget) {
    var p = toProperties();
    p.setProperty(PREFIX + "bootstrap-servers", newBootstrapServers);
    p.setProperty(PREFIX + "server-target", newServerTarget);
    return fromProperties(p);
  }

  /** A copy that uses other topics. */
  public BridgeConfig withTopics(String newRequestTopic, String newResponseTopic, String newDeadLetterTopic) {
    var p = toProperties();
    p.setProperty(PREFIX + "request-topic", newRequestTopic);
    p.setProperty(PREFIX + "response-topic", newResponseTopic);
    p.setProperty(PREFIX + "dlq-topic", newDeadLetterTopic);
    return fromProperties(p);
  }

  /** A copy with another consumer group and client id. */
  public BridgeConfig withGroup(String newGroupId, String newClientId) {
    var p = toProperties();
    p.setProperty(PREFIX + "group-id", newGroupId);
    p.setProperty(PREFIX + "client-id", newClientId);
    return fromProperties(p);
  }

  /** A copy with another in-flight bound and poll size. */
  public BridgeConfig withInFlight(int newMaxInFlight, int newMaxPollRecords) {
    var p = toProperties();
    p.setProperty(PREFIX + "max-in-flight", Integer.toString(newMaxInFlight));
    p.setProperty(PREFIX + "max-poll-records", Integer.toString(newMaxPollRecords));
    return fromProperties(p);
  }

  /** A copy with another session timeout. */
  public BridgeConfig withSessionTimeout(Duration newSessionTimeout) {
    var p = toProperties();
    p.setProperty(PREFIX + "session-timeout-ms", Long.toString(newSessionTimeout.toMillis()));
    return fromProperties(p);
  }

  /** A copy with another commit interval. */
  public BridgeConfig withCommitInterval(Duration newCommitInterval) {
    var p = toProperties();
    p.setProperty(PREFIX + "commit-interval-ms", Long.toString(newCommitInterval.toMillis()));
    return fromProperties(p);
  }

  /** Writes every setting under its {@code churnwire.bridge.*} key. */
  public Properties toProperties() {
    var p = new Properties();
    p.setProperty(PREFIX + "bootstrap-servers", bootstrapServers);
    p.setProperty(PREFIX + "server-target", serverTarget);
    p.setProperty(PREFIX + "group-id", groupId);
    p.setProperty(PREFIX + "request-topic", requestTopic);
    p.setProperty(PREFIX + "response-topic", responseTopic);
    p.setProperty(PREFIX + "dlq-topic", deadLetterTopic);
    p.setProperty(PREFIX + "max-in-flight", Integer.toString(maxInFlight));
    p.setProperty(PREFIX + "max-poll-records", Integer.toString(maxPollRecords));
    p.setProperty(PREFIX + "commit-interval-ms", Long.toString(commitInterval.toMillis()));
    p.setProperty(PREFIX + "retry-initial-ms", Long.toString(retryInitial.toMillis()));
    p.setProperty(PREFIX + "retry-max-ms", Long.toString(retryMax.toMillis()));
    p.setProperty(PREFIX + "item-timeout-ms", Long.toString(itemTimeout.toMillis()));
    p.setProperty(PREFIX + "drain-timeout-ms", Long.toString(drainTimeout.toMillis()));
    p.setProperty(PREFIX + "session-timeout-ms", Long.toString(sessionTimeout.toMillis()));
    p.setProperty(PREFIX + "client-id", clientId);
    return p;
  }

  /**
   * Reads a configuration from {@code churnwire.bridge.*} properties; missing keys keep their
   * defaults and unknown keys under the prefix are rejected, so a misspelt setting is not ignored.
   */
  public static BridgeConfig fromProperties(Properties properties) {
    Properties merged = defaults().toProperties();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith(PREFIX)) {
        if (!merged.containsKey(key)) {
          throw new IllegalArgumentException("unknown setting '" + key + "'");
        }
        merged.setProperty(key, properties.getProperty(key).strip());
      }
    }
    return new BridgeConfig(
        merged.getProperty(PREFIX + "bootstrap-servers"),
        merged.getProperty(PREFIX + "server-target"),
        merged.getProperty(PREFIX + "group-id"),
        merged.getProperty(PREFIX + "request-topic"),
        merged.getProperty(PREFIX + "response-topic"),
        merged.getProperty(PREFIX + "dlq-topic"),
        readInt(merged, "max-in-flight"),
        readInt(merged, "max-poll-records"),
        Duration.ofMillis(readLong(merged, "commit-interval-ms")),
        Duration.ofMillis(readLong(merged, "retry-initial-ms")),
        Duration.ofMillis(readLong(merged, "retry-max-ms")),
        Duration.ofMillis(readLong(merged, "item-timeout-ms")),
        Duration.ofMillis(readLong(merged, "drain-timeout-ms")),
        Duration.ofMillis(readLong(merged, "session-timeout-ms")),
        merged.getProperty(PREFIX + "client-id"));
  }

  /**
   * Maps environment variables named {@code CHURNWIRE_BRIDGE_<SETTING>} (e.g.
   * {@code CHURNWIRE_BRIDGE_MAX_IN_FLIGHT}) to properties.
   */
  public static Properties fromEnvironment(Map<String, String> environment) {
    var p = new Properties();
    for (String key : defaults().toProperties().stringPropertyNames()) {
      String setting = key.substring(PREFIX.length());
      String variable = "CHURNWIRE_BRIDGE_" + setting.replace('-', '_').toUpperCase(Locale.ROOT);
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        p.setProperty(key, value);
      }
    }
    return p;
  }

  private static int readInt(Properties p, String setting) {
    long value = readLong(p, setting);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(setting + " is out of range: " + value);
    }
    return (int) value;
  }

  private static long readLong(Properties p, String setting) {
    String raw = p.getProperty(PREFIX + setting);
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting + " needs a whole number, got '" + raw + "'", e);
    }
  }

  private static void requireText(String setting, String value) {
    if (Objects.requireNonNull(value, setting).isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank");
    }
  }

  private static void requireRange(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  private static void requirePositive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, got " + value);
    }
  }
}
