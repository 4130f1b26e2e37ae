package io.churnwire.bridge;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.Rule.positive;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.MILLIS;
import static io.churnwire.config.ValueType.TEXT;

import io.churnwire.config.Setting;
import io.churnwire.config.Settings;
import io.churnwire.config.ValueType;
import java.time.Duration;

/**
 * The settings of {@code churnwire-bridge run}, each declared once with its flag, key
 * ({@code churnwire.bridge.<flag>}), environment variable ({@code CHURNWIRE_BRIDGE_<FLAG>}), default,
 * rule and help; {@link BridgeConfig} holds their values, and {@code run --help} and the table in
 * bridge/README.md are generated from here.
 */
final class BridgeSettings {
  private BridgeSettings() {}

  static final Setting<String> BOOTSTRAP_SERVERS =
      setting("bootstrap-servers", TEXT, "127.0.0.1:9092", "Kafka bootstrap servers").require(notBlank());

  static final Setting<String> SERVER_TARGET = setting("server-target", TEXT, "127.0.0.1:50051",
      "gRPC target of the scoring server (plaintext)").require(notBlank());

  static final Setting<String> GROUP_ID =
      setting("group-id", TEXT, "churnwire-bridge", "consumer group shared by instances").require(notBlank());

  static final Setting<String> REQUEST_TOPIC =
      setting("request-topic", TEXT, "churn.requests", "topic of `PredictRequest`s").require(notBlank());

  static final Setting<String> RESPONSE_TOPIC =
      setting("response-topic", TEXT, "churn.predictions", "topic of `PredictResponse`s").require(notBlank());

  static final Setting<String> DLQ_TOPIC =
      setting("dlq-topic", TEXT, "churn.requests.dlq", "dead-letter topic").require(notBlank());

  static final Setting<Integer> MAX_IN_FLIGHT = setting("max-in-flight", INTEGER, 1_000,
      "records between poll and commit, at most").require(between(1, 1_000_000));

  static final Setting<Integer> MAX_POLL_RECORDS = setting("max-poll-records", INTEGER, 500,
      "records per poll (capped by max-in-flight)").require(between(1, 1_000_000));

  static final Setting<Duration> COMMIT_INTERVAL = setting("commit-interval-ms", MILLIS, Duration.ofSeconds(1),
      "commit period while running").require(positive());

  static final Setting<Duration> RETRY_INITIAL = setting("retry-initial-ms", MILLIS, Duration.ofMillis(100),
      "first backoff after a transient error").require(positive());

  static final Setting<Duration> RETRY_MAX =
      setting("retry-max-ms", MILLIS, Duration.ofSeconds(5), "largest backoff").require(positive());

  static final Setting<Duration> ITEM_TIMEOUT = setting("item-timeout-ms", MILLIS, Duration.ofSeconds(30),
      "unanswered-item age that restarts the stream").require(positive());

  static final Setting<Duration> DRAIN_TIMEOUT = setting("drain-timeout-ms", MILLIS, Duration.ofSeconds(30),
      "time to finish in-flight records on stop or revocation").require(positive());

  static final Setting<Duration> SESSION_TIMEOUT = setting("session-timeout-ms", MILLIS, Duration.ofSeconds(45),
      "silence after which the group moves a crashed instance's partitions").require(positive());

  static final Setting<String> CLIENT_ID =
      setting("client-id", TEXT, "churnwire-bridge", "prefix of the Kafka client ids").require(notBlank());

  static final Settings ALL = Settings.of("churnwire-bridge run",
      "Consumes PredictRequests, scores them on the server, produces PredictResponses.",
      "CHURNWIRE_BRIDGE_CONFIG",
      BOOTSTRAP_SERVERS, SERVER_TARGET, GROUP_ID, REQUEST_TOPIC, RESPONSE_TOPIC, DLQ_TOPIC, MAX_IN_FLIGHT,
      MAX_POLL_RECORDS, COMMIT_INTERVAL, RETRY_INITIAL, RETRY_MAX, ITEM_TIMEOUT, DRAIN_TIMEOUT,
      SESSION_TIMEOUT, CLIENT_ID);

  private static <T> Setting<T> setting(String name, ValueType<T> type, T defaultValue, String help) {
    return Setting.of(name, "churnwire.bridge." + name, type, defaultValue, help);
  }
}
