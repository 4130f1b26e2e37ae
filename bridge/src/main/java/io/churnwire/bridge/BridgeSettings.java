package io.churnwire.bridge;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.Rule.positive;
import static io.churnwire.config.ValueType.BOOLEAN;
import static io.churnwire.config.ValueType.DECIMAL;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.LONG;
import static io.churnwire.config.ValueType.MILLIS;
import static io.churnwire.config.ValueType.PATH;
import static io.churnwire.config.ValueType.TEXT;
import static io.churnwire.config.ValueType.oneOf;
import static io.churnwire.config.ValueType.optional;

import io.churnwire.bridge.internal.Encoding;
import io.churnwire.config.Rule;
import io.churnwire.config.Setting;
import io.churnwire.config.Settings;
import io.churnwire.config.ValueType;
import io.churnwire.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of every {@code churnwire-bridge} command, each declared once with its flag, key
 * ({@code churnwire.bridge.<flag>}), environment variable ({@code CHURNWIRE_BRIDGE_<FLAG>}), default,
 * rule and help; {@code simulate} and {@code read} reuse the Kafka settings of {@code run} and key
 * their own under {@code churnwire.bridge.simulate.} and {@code churnwire.bridge.read.}, so one
 * properties file and one set of variables configure all three ({@code outcomes} keys its own
 * under {@code churnwire.bridge.outcomes.}). {@code run} also reads the
 * telemetry settings every serving process shares ({@link TelemetrySettings}), the metrics port
 * with a default of its own. {@link BridgeConfig} holds the values of {@code run}; each command's
 * {@code --help} and the tables in bridge/README.md are generated from here.
 */
final class BridgeSettings {
  private BridgeSettings() {}

  static final Setting<String> BOOTSTRAP_SERVERS =
      setting("bootstrap-servers", TEXT, "127.0.0.1:9092", "Kafka bootstrap servers").require(notBlank());

  static final Setting<Optional<Path>> KAFKA_CONFIG = setting("kafka-config", optional(PATH), Optional.empty(),
      "plain Kafka client properties file for every Kafka client (`security.protocol`, `sasl.*`, `ssl.*`), "
          + "as Kafka's tools take with `--command-config`; passwords belong there, never on the command line")
      .environment("CHURNWIRE_KAFKA_CONFIG").showDefaultAs("none");

  static final Setting<String> SERVER_TARGET = setting("server-target", TEXT, "127.0.0.1:50051",
      "gRPC target of the scoring server").require(notBlank());

  static final Setting<Boolean> SERVER_TLS = setting("server-tls", BOOLEAN, false,
      "TLS to the server, trusting the platform's authorities unless `server-tls-ca-file` is given")
      .environment("CHURNWIRE_SERVER_TLS");

  static final Setting<Optional<Path>> SERVER_TLS_CA_FILE = setting("server-tls-ca-file", optional(PATH),
      Optional.empty(), "PEM authorities the server's certificate must chain to; implies `server-tls`")
      .environment("CHURNWIRE_SERVER_TLS_CA_FILE").showDefaultAs("none");

  static final Setting<Optional<Path>> SERVER_TLS_CERT_FILE = setting("server-tls-cert-file", optional(PATH),
      Optional.empty(), "PEM client certificate chain for mTLS to the server, with `server-tls-key-file`")
      .environment("CHURNWIRE_SERVER_TLS_CERT_FILE").showDefaultAs("none");

  static final Setting<Optional<Path>> SERVER_TLS_KEY_FILE = setting("server-tls-key-file", optional(PATH),
      Optional.empty(), "PEM PKCS#8 key of the client certificate")
      .environment("CHURNWIRE_SERVER_TLS_KEY_FILE").showDefaultAs("none");

  static final Setting<Optional<Path>> SERVER_TOKEN_FILE = setting("server-token-file", optional(PATH),
      Optional.empty(), "file whose first line is the bearer token sent to the server; read again when it changes")
      .environment("CHURNWIRE_SERVER_TOKEN_FILE").showDefaultAs("none");

  static final Setting<Optional<Secret>> SERVER_TOKEN = setting("server-token", optional(Secret.TYPE),
      Optional.empty(), "the bearer token itself; prefer `server-token-file` (a flag shows in the process list)")
      .environment("CHURNWIRE_SERVER_TOKEN").showDefaultAs("none");

  static final Setting<String> GROUP_ID =
      setting("group-id", TEXT, "churnwire-bridge", "consumer group shared by instances").require(notBlank());

  static final Setting<String> REQUEST_TOPIC =
      setting("request-topic", TEXT, "churn.requests", "topic of `PredictRequest`s").require(notBlank());

  static final Setting<String> RESPONSE_TOPIC =
      setting("response-topic", TEXT, "churn.predictions", "topic of `PredictResponse`s").require(notBlank());

  static final Setting<String> DLQ_TOPIC =
      setting("dlq-topic", TEXT, "churn.requests.dlq", "dead-letter topic").require(notBlank());

  /** Empty turns the outcomes off; {@code run} then consumes the request topic alone. */
  static final Setting<String> OUTCOMES_TOPIC = setting("outcomes-topic", TEXT, "churn.outcomes",
      "topic of `Outcome`s recorded on the server (consumer group `<group-id>-outcomes`); empty = off");

  static final Setting<Integer> OUTCOMES_BATCH_SIZE = setting("outcomes-batch-size", INTEGER, 500,
      "outcomes per `RecordOutcomes` call, at most (the server takes up to its `--outcomes-max-batch`, 1000)")
      .require(between(1, 1_000));

  static final Setting<Integer> MAX_IN_FLIGHT = setting("max-in-flight", INTEGER, 1_000,
      "records between poll and commit, at most").require(between(1, 1_000_000));

  static final Setting<Integer> MAX_POLL_RECORDS = setting("max-poll-records", INTEGER, 500,
      "records per poll (capped by max-in-flight)").require(between(1, 1_000_000));

  static final Setting<Duration> COMMIT_INTERVAL = setting("commit-interval-ms", MILLIS, Duration.ofSeconds(1),
      "commit period while running").require(positive());

  static final Setting<Duration> RETRY_INITIAL = setting("retry-initial-ms", MILLIS, Duration.ofMillis(100),
      "first backoff after a transient scoring or produce error").require(positive());

  static final Setting<Duration> RETRY_MAX =
      setting("retry-max-ms", MILLIS, Duration.ofSeconds(5), "largest backoff").require(positive());

  static final Setting<Integer> ITEM_MAX_ATTEMPTS = setting("item-max-attempts", INTEGER, 20,
      "transient answers (`UNAVAILABLE`, `RESOURCE_EXHAUSTED`, ...) to one record before it is dead-lettered")
      .require(between(1, 1_000_000));

  static final Setting<Duration> ITEM_MAX_AGE = setting("item-max-age-ms", MILLIS, Duration.ofMinutes(5),
      "time since a record was first sent after which a transient answer dead-letters it").require(positive());

  static final Setting<Duration> ITEM_TIMEOUT = setting("item-timeout-ms", MILLIS, Duration.ofSeconds(30),
      "deadline of a scoring call: its records are sent again, in halves").require(positive());

  static final Setting<Duration> DRAIN_TIMEOUT = setting("drain-timeout-ms", MILLIS, Duration.ofSeconds(30),
      "time to finish in-flight records on stop or revocation").require(positive());

  static final Setting<Duration> SESSION_TIMEOUT = setting("session-timeout-ms", MILLIS, Duration.ofSeconds(45),
      "silence after which the group moves a crashed instance's partitions").require(positive());

  static final Setting<Integer> PRODUCE_ATTEMPTS = setting("produce-attempts", INTEGER, 5,
      "sends of one answer after retriable producer errors before its partition is given up")
      .require(between(1, 1_000));

  static final Setting<Duration> MAX_BLOCK = setting("max-block-ms", MILLIS, Duration.ofSeconds(10),
      "longest a send may wait for metadata or buffer space (producer `max.block.ms`)").require(positive());

  static final Setting<Integer> MAX_REQUEST_SIZE = setting("max-request-size", INTEGER, 1_048_576,
      "largest answer in bytes (producer `max.request.size`); larger dead letters are truncated")
      .require(between(1_024, Integer.MAX_VALUE));

  static final Setting<UndeliverablePolicy> ON_UNDELIVERABLE = setting("on-undeliverable",
      oneOf(UndeliverablePolicy.class), UndeliverablePolicy.PAUSE,
      "when an answer cannot be delivered: `pause` its partition, or `exit` the bridge (status 1)");

  static final Setting<String> CLIENT_ID =
      setting("client-id", TEXT, "churnwire-bridge", "prefix of the Kafka client ids").require(notBlank());

  /**
   * The telemetry module's metrics port with the bridge's own default, variable and key, so a
   * server (9464) and a bridge on one host, or in one environment, never contend for a port.
   */
  static final Setting<Integer> METRICS_PORT =
      TelemetrySettings.metricsPort(9465, "churnwire.bridge.metrics-port", "CHURNWIRE_BRIDGE_METRICS_PORT");

  static final Setting<Optional<Path>> CSV = simulate("csv", optional(PATH), Optional.empty(),
      "CSV in IBM's extended Telco schema; synthetic customers when absent").showDefaultAs("none");

  static final Setting<Optional<Integer>> COUNT = simulate("count", optional(INTEGER), Optional.empty(),
      "records to send").showDefaultAs("every CSV row once, or 1000 synthetic")
      .require(new Rule<>("must be positive", count -> count.map(n -> n > 0).orElse(true)));

  static final Setting<Double> RATE = simulate("rate", DECIMAL, 100.0,
      "records per second; 0 sends as fast as possible")
      .require(new Rule<>("must not be negative", rate -> rate >= 0));

  static final Setting<Encoding> FORMAT = simulate("format", oneOf(Encoding.class), Encoding.PROTOBUF,
      "value encoding: `protobuf` or `json`");

  static final Setting<Integer> POISON_EVERY = simulate("poison-every", INTEGER, 0,
      "send an undecodable record instead of every N-th request, to show the DLQ; 0 never")
      .require(between(0, Integer.MAX_VALUE));

  static final Setting<Long> SEED = simulate("seed", LONG, 42L, "seed of the synthetic customers");

  /** {@code outcomes} publishes to the outcomes topic, so it cannot be off there. */
  static final Setting<String> PUBLISH_OUTCOMES_TOPIC =
      OUTCOMES_TOPIC.require(notBlank()).withHelp("topic of `Outcome`s");

  static final Setting<Optional<Path>> OUTCOMES_CSV = Setting.of("csv", "churnwire.bridge.outcomes.csv",
      optional(PATH), Optional.empty(), "CSV with the header `customer_id,churned,observe_time` (`true`/`false`,"
          + " ISO-8601 instants such as `2026-11-30T12:00:00Z`); required").showDefaultAs("none");

  /** {@code read} may skip the dead letters, which {@code run} always produces. */
  static final Setting<String> READ_DLQ_TOPIC =
      DLQ_TOPIC.require(Rule.<String>any()).withHelp("dead-letter topic; empty to skip");

  static final Setting<Boolean> FROM_BEGINNING = read("from-beginning", BOOLEAN, false,
      "start at the oldest record instead of the newest");

  static final Setting<Long> MAX = read("max", LONG, 0L, "exit after this many records; 0 reads until Ctrl-C")
      .require(between(0, Long.MAX_VALUE));

  static final Setting<Long> IDLE_EXIT_SECONDS = read("idle-exit-seconds", LONG, 0L,
      "exit after this many seconds without a record; 0 waits forever").require(between(0, Long.MAX_VALUE));

  private static final Settings RUN_ONLY = Settings.of("churnwire-bridge run",
      "Consumes PredictRequests, scores them on the server, produces PredictResponses; records Outcomes.",
      "CHURNWIRE_BRIDGE_CONFIG",
      BOOTSTRAP_SERVERS, KAFKA_CONFIG, SERVER_TARGET, SERVER_TLS, SERVER_TLS_CA_FILE, SERVER_TLS_CERT_FILE,
      SERVER_TLS_KEY_FILE, SERVER_TOKEN_FILE, SERVER_TOKEN, GROUP_ID, REQUEST_TOPIC, RESPONSE_TOPIC, DLQ_TOPIC,
      OUTCOMES_TOPIC, OUTCOMES_BATCH_SIZE, MAX_IN_FLIGHT, MAX_POLL_RECORDS, COMMIT_INTERVAL, RETRY_INITIAL, RETRY_MAX, ITEM_MAX_ATTEMPTS, ITEM_MAX_AGE, ITEM_TIMEOUT,
      DRAIN_TIMEOUT, SESSION_TIMEOUT, PRODUCE_ATTEMPTS, MAX_BLOCK, MAX_REQUEST_SIZE, ON_UNDELIVERABLE, CLIENT_ID,
      TelemetrySettings.METRICS_HOST, METRICS_PORT, TelemetrySettings.LOG_FORMAT, TelemetrySettings.OTLP_ENDPOINT,
      TelemetrySettings.TRACE_SAMPLE_RATIO);

  private static final Settings SIMULATE_ONLY = Settings.of("churnwire-bridge simulate",
      "Produces PredictRequests from a CSV or synthetic customers at a steady rate.",
      "CHURNWIRE_BRIDGE_CONFIG",
      BOOTSTRAP_SERVERS, KAFKA_CONFIG, REQUEST_TOPIC, CSV, COUNT, RATE, FORMAT, POISON_EVERY, SEED)
      .alias("topic", REQUEST_TOPIC);

  private static final Settings READ_ONLY = Settings.of("churnwire-bridge read",
      "Prints PredictResponses and dead letters as they arrive.",
      "CHURNWIRE_BRIDGE_CONFIG",
      BOOTSTRAP_SERVERS, KAFKA_CONFIG, RESPONSE_TOPIC, READ_DLQ_TOPIC, FROM_BEGINNING, MAX, IDLE_EXIT_SECONDS)
      .alias("topic", RESPONSE_TOPIC);

  private static final Settings OUTCOMES_ONLY = Settings.of("churnwire-bridge outcomes",
      "Publishes Outcomes from a CSV to the outcomes topic, keyed by customer id.",
      "CHURNWIRE_BRIDGE_CONFIG",
      BOOTSTRAP_SERVERS, KAFKA_CONFIG, PUBLISH_OUTCOMES_TOPIC, OUTCOMES_CSV);

  /** The settings of {@code run}. */
  static final Settings RUN = RUN_ONLY.sharingFileWith(SIMULATE_ONLY, READ_ONLY, OUTCOMES_ONLY);

  /** The settings of {@code simulate}; {@code --topic} is its older name of {@code --request-topic}. */
  static final Settings SIMULATE = SIMULATE_ONLY.sharingFileWith(RUN_ONLY, READ_ONLY, OUTCOMES_ONLY);

  /** The settings of {@code read}; {@code --topic} is its older name of {@code --response-topic}. */
  static final Settings READ = READ_ONLY.sharingFileWith(RUN_ONLY, SIMULATE_ONLY, OUTCOMES_ONLY);

  /** The settings of {@code outcomes}. */
  static final Settings OUTCOMES = OUTCOMES_ONLY.sharingFileWith(RUN_ONLY, SIMULATE_ONLY, READ_ONLY);

  private static <T> Setting<T> setting(String name, ValueType<T> type, T defaultValue, String help) {
    return Setting.of(name, "churnwire.bridge." + name, type, defaultValue, help);
  }

  private static <T> Setting<T> simulate(String name, ValueType<T> type, T defaultValue, String help) {
    return Setting.of(name, "churnwire.bridge.simulate." + name, type, defaultValue, help);
  }

  private static <T> Setting<T> read(String name, ValueType<T> type, T defaultValue, String help) {
    return Setting.of(name, "churnwire.bridge.read." + name, type, defaultValue, help);
  }
}
