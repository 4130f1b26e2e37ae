package io.churnwire.bridge;

import static io.churnwire.bridge.BridgeSettings.BOOTSTRAP_SERVERS;
import static io.churnwire.bridge.BridgeSettings.CLIENT_ID;
import static io.churnwire.bridge.BridgeSettings.COMMIT_INTERVAL;
import static io.churnwire.bridge.BridgeSettings.DLQ_TOPIC;
import static io.churnwire.bridge.BridgeSettings.DRAIN_TIMEOUT;
import static io.churnwire.bridge.BridgeSettings.GROUP_ID;
import static io.churnwire.bridge.BridgeSettings.ITEM_MAX_AGE;
import static io.churnwire.bridge.BridgeSettings.ITEM_MAX_ATTEMPTS;
import static io.churnwire.bridge.BridgeSettings.ITEM_TIMEOUT;
import static io.churnwire.bridge.BridgeSettings.KAFKA_CONFIG;
import static io.churnwire.bridge.BridgeSettings.MAX_BLOCK;
import static io.churnwire.bridge.BridgeSettings.MAX_IN_FLIGHT;
import static io.churnwire.bridge.BridgeSettings.MAX_POLL_RECORDS;
import static io.churnwire.bridge.BridgeSettings.MAX_REQUEST_SIZE;
import static io.churnwire.bridge.BridgeSettings.METRICS_PORT;
import static io.churnwire.bridge.BridgeSettings.ON_UNDELIVERABLE;
import static io.churnwire.bridge.BridgeSettings.OUTCOMES_BATCH_SIZE;
import static io.churnwire.bridge.BridgeSettings.OUTCOMES_TOPIC;
import static io.churnwire.bridge.BridgeSettings.PRODUCE_ATTEMPTS;
import static io.churnwire.bridge.BridgeSettings.REQUEST_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RESPONSE_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RETRY_INITIAL;
import static io.churnwire.bridge.BridgeSettings.RETRY_MAX;
import static io.churnwire.bridge.BridgeSettings.RUN;
import static io.churnwire.bridge.BridgeSettings.SERVER_TARGET;
import static io.churnwire.bridge.BridgeSettings.SERVER_TLS;
import static io.churnwire.bridge.BridgeSettings.SERVER_TLS_CA_FILE;
import static io.churnwire.bridge.BridgeSettings.SERVER_TLS_CERT_FILE;
import static io.churnwire.bridge.BridgeSettings.SERVER_TLS_KEY_FILE;
import static io.churnwire.bridge.BridgeSettings.SERVER_TOKEN;
import static io.churnwire.bridge.BridgeSettings.SERVER_TOKEN_FILE;
import static io.churnwire.bridge.BridgeSettings.SESSION_TIMEOUT;
import static io.churnwire.telemetry.TelemetrySettings.LOG_FORMAT;
import static io.churnwire.telemetry.TelemetrySettings.METRICS_HOST;
import static io.churnwire.telemetry.TelemetrySettings.OTLP_ENDPOINT;
import static io.churnwire.telemetry.TelemetrySettings.TRACE_SAMPLE_RATIO;

import io.churnwire.client.ClientSecurity;
import io.churnwire.config.Values;
import io.churnwire.telemetry.TelemetryConfig;
import io.churnwire.telemetry.TelemetrySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting of the bridge, validated once so a bad value fails at start with a message naming
 * it. Each field is a setting of {@code BridgeSettings}, which declares its default, rule, flag,
 * environment variable ({@code CHURNWIRE_BRIDGE_*}) and key ({@code churnwire.bridge.*}); the
 * compact constructor adds the rules that span two settings.
 *
 * @param bootstrapServers Kafka bootstrap address list
 * @param kafkaConfig plain Kafka client properties file applied to every client, if any
 * @param kafka Kafka client properties passed through (security, tuning): the file's, then the
 *     {@code kafka.*} keys of the bridge properties file
 * @param serverTarget gRPC target of the scoring server, e.g. {@code 127.0.0.1:50051}
 * @param serverTls whether to speak TLS to the server; implied by a CA file or client certificate
 * @param serverTlsCaFile PEM authorities the server's certificate must chain to; else the platform's
 * @param serverTlsCertFile PEM client certificate chain for mTLS, with {@code serverTlsKeyFile}
 * @param serverTlsKeyFile PEM PKCS#8 key of the client certificate
 * @param serverTokenFile file whose first line is the bearer token for the server
 * @param serverToken the bearer token itself, from the environment or the properties file
 * @param groupId consumer group shared by all bridge instances that split the request partitions
 * @param requestTopic topic of {@code PredictRequest} records
 * @param responseTopic topic the {@code PredictResponse} records go to
 * @param deadLetterTopic topic of records that could not be decoded or scored, or whose answer was too large
 * @param outcomesTopic topic of {@code Outcome} records recorded on the server; empty when outcomes are off
 * @param outcomesBatchSize outcomes sent in one {@code RecordOutcomes} call, at most
 * @param maxInFlight records polled and not yet committable, at most; the memory bound
 * @param maxPollRecords records one poll may return; the consumer polls only when that many fit
 * @param commitInterval how often acknowledged offsets are committed while running
 * @param retryInitial first backoff after a transient scoring error
 * @param retryMax largest backoff after repeated transient errors (scoring and producing)
 * @param itemMaxAttempts transient answers to one record after which it is dead-lettered
 * @param itemMaxAge time since a record was first sent after which a transient answer dead-letters it
 * @param itemTimeout the deadline of a scoring call, after which its records are sent again
 * @param drainTimeout how long a stop or a rebalance waits for in-flight records to be answered
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 * @param produceAttempts sends of one answer after retriable producer errors before giving up on it
 * @param maxBlock longest a send may block for metadata or buffer space (producer {@code max.block.ms})
 * @param maxRequestSize largest answer in bytes (producer {@code max.request.size}); checked before sending
 * @param onUndeliverable what happens once an answer cannot be delivered
 * @param clientId prefix of the Kafka client ids, visible in broker logs and metrics
 * @param telemetry metrics port (9465 by default), log format and trace export
 */
public record BridgeConfig(
    String bootstrapServers,
    Optional<Path> kafkaConfig,
    KafkaClientProperties kafka,
    String serverTarget,
    boolean serverTls,
    Optional<Path> serverTlsCaFile,
    Optional<Path> serverTlsCertFile,
    Optional<Path> serverTlsKeyFile,
    Optional<Path> serverTokenFile,
    Optional<Secret> serverToken,
    String groupId,
    String requestTopic,
    String responseTopic,
    String deadLetterTopic,
    String outcomesTopic,
    int outcomesBatchSize,
    int maxInFlight,
    int maxPollRecords,
    Duration commitInterval,
    Duration retryInitial,
    Duration retryMax,
    int itemMaxAttempts,
    Duration itemMaxAge,
    Duration itemTimeout,
    Duration drainTimeout,
    Duration sessionTimeout,
    int produceAttempts,
    Duration maxBlock,
    int maxRequestSize,
    UndeliverablePolicy onUndeliverable,
    String clientId,
    TelemetryConfig telemetry) {

  /** Checks every field against its setting's rule, then the rules between settings. */
  public BridgeConfig {
    BOOTSTRAP_SERVERS.check(bootstrapServers);
    KAFKA_CONFIG.check(kafkaConfig);
    Objects.requireNonNull(kafka, "kafka");
    SERVER_TARGET.check(serverTarget);
    SERVER_TLS_CA_FILE.check(serverTlsCaFile);
    SERVER_TLS_CERT_FILE.check(serverTlsCertFile);
    SERVER_TLS_KEY_FILE.check(serverTlsKeyFile);
    SERVER_TOKEN_FILE.check(serverTokenFile);
    SERVER_TOKEN.check(serverToken);
    GROUP_ID.check(groupId);
    REQUEST_TOPIC.check(requestTopic);
    RESPONSE_TOPIC.check(responseTopic);
    DLQ_TOPIC.check(deadLetterTopic);
    OUTCOMES_TOPIC.check(outcomesTopic);
    OUTCOMES_BATCH_SIZE.check(outcomesBatchSize);
    MAX_IN_FLIGHT.check(maxInFlight);
    MAX_POLL_RECORDS.check(maxPollRecords);
    COMMIT_INTERVAL.check(commitInterval);
    RETRY_INITIAL.check(retryInitial);
    RETRY_MAX.check(retryMax);
    ITEM_MAX_ATTEMPTS.check(itemMaxAttempts);
    ITEM_MAX_AGE.check(itemMaxAge);
    ITEM_TIMEOUT.check(itemTimeout);
    DRAIN_TIMEOUT.check(drainTimeout);
    SESSION_TIMEOUT.check(sessionTimeout);
    PRODUCE_ATTEMPTS.check(produceAttempts);
    MAX_BLOCK.check(maxBlock);
    MAX_REQUEST_SIZE.check(maxRequestSize);
    ON_UNDELIVERABLE.check(onUndeliverable);
    CLIENT_ID.check(clientId);
    Objects.requireNonNull(telemetry, "telemetry");
    if (requestTopic.equals(responseTopic) || requestTopic.equals(deadLetterTopic)) {
      throw new IllegalArgumentException("request-topic '" + requestTopic
          + "' must differ from response-topic and dlq-topic, or the bridge would consume its own output");
    }
    if (!outcomesTopic.isEmpty() && (outcomesTopic.equals(requestTopic) || outcomesTopic.equals(responseTopic)
        || outcomesTopic.equals(deadLetterTopic))) {
      throw new IllegalArgumentException("outcomes-topic '" + outcomesTopic
          + "' must differ from request-topic, response-topic and dlq-topic");
    }
    if (serverTlsCertFile.isPresent() != serverTlsKeyFile.isPresent()) {
      throw new IllegalArgumentException("server-tls-cert-file and server-tls-key-file go together; give both or"
          + " neither");
    }
    if (serverTokenFile.isPresent() && serverToken.isPresent()) {
      throw new IllegalArgumentException("give server-token-file or server-token, not both");
    }
    if (retryInitial.compareTo(retryMax) > 0) {
      throw new IllegalArgumentException("retry-initial-ms (" + retryInitial.toMillis()
          + ") must not exceed retry-max-ms (" + retryMax.toMillis() + ")");
    }
  }

  /** The declared defaults: local broker and server, the {@code churn.*} topics, 1000 records in flight. */
  public static BridgeConfig defaults() {
    return from(RUN.defaults(), KafkaClientProperties.none());
  }

  /**
   * Resolves the {@code run} command's {@code args} and {@code environment}: flags, then
   * {@code CHURNWIRE_BRIDGE_*} variables, then the properties file ({@code --config} or
   * {@code CHURNWIRE_BRIDGE_CONFIG}), then the defaults; Kafka client properties come from the
   * {@code kafka-config} file and the {@code kafka.*} keys of the properties file.
   *
   * @throws IllegalArgumentException for an unknown flag or key, a bad value or an unreadable file,
   *     with a message naming it
   */
  public static BridgeConfig resolve(String[] args, Map<String, String> environment) {
    Values values = RUN.resolve(args, environment);
    return from(values, KafkaClientProperties.resolve(RUN, args, environment, values.get(KAFKA_CONFIG)));
  }

  /**
   * Reads a configuration from {@code churnwire.bridge.*} properties; missing keys keep their
   * defaults and unknown keys under the prefix are rejected, so a misspelt setting is not ignored;
   * {@code kafka.*} keys are passed through to the Kafka clients, after the {@code kafka-config} file.
   */
  public static BridgeConfig fromProperties(Properties properties) {
    Values values = RUN.fromProperties(properties);
    KafkaClientProperties fromFile =
        values.get(KAFKA_CONFIG).map(KafkaClientProperties::fromKafkaFile).orElse(KafkaClientProperties.none());
    return from(values, fromFile.overriddenBy(KafkaClientProperties.fromBridgeProperties(properties)));
  }

  /**
   * Writes every setting under its {@code churnwire.bridge.*} key, and the pass-through Kafka
   * properties under {@code kafka.*}, so {@link #fromProperties} reads the same configuration back.
   */
  public Properties toProperties() {
    Properties properties = values().toProperties();
    kafka.common().forEach((key, value) -> properties.setProperty(KafkaClientProperties.PREFIX + "common." + key, value));
    kafka.consumer().forEach((key, value) -> properties.setProperty(KafkaClientProperties.PREFIX + "consumer." + key, value));
    kafka.producer().forEach((key, value) -> properties.setProperty(KafkaClientProperties.PREFIX + "producer." + key, value));
    return properties;
  }

  /**
   * How the bridge reaches the server: TLS when {@code server-tls} is set or a CA file or client
   * certificate is given, and the bearer token, read from its file now.
   *
   * @throws IllegalArgumentException if the token file cannot be read or the token is malformed,
   *     naming the setting
   */
  public ClientSecurity serverSecurity() {
    Optional<String> token = serverToken.map(Secret::value);
    if (serverTokenFile.isPresent()) {
      try {
        token = Optional.of(ClientSecurity.readToken(serverTokenFile.get()));
      } catch (IOException e) {
        throw new IllegalArgumentException("server-token-file: cannot read a token from " + serverTokenFile.get()
            + " (" + (e.getMessage() != null && e.getMessage().contains("is empty") ? "it is empty"
                : e.getClass().getSimpleName()) + ")", e);
      }
    }
    boolean tls = serverTls || serverTlsCaFile.isPresent() || serverTlsCertFile.isPresent();
    try {
      return new ClientSecurity(tls, serverTlsCaFile, serverTlsCertFile, serverTlsKeyFile, token, serverTokenFile);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server token: " + e.getMessage(), e);
    }
  }

  /** A copy with other Kafka client properties passed through. */
  public BridgeConfig withKafka(KafkaClientProperties newKafka) {
    return from(values(), newKafka);
  }

  /** A copy that reaches the server over TLS or not, with the given files (the token from {@code tokenFile}). */
  public BridgeConfig withServerSecurity(boolean tls, Optional<Path> caFile, Optional<Path> certificateFile,
      Optional<Path> keyFile, Optional<Path> tokenFile) {
    return from(values().with(SERVER_TLS, tls).with(SERVER_TLS_CA_FILE, caFile)
        .with(SERVER_TLS_CERT_FILE, certificateFile).with(SERVER_TLS_KEY_FILE, keyFile)
        .with(SERVER_TOKEN_FILE, tokenFile).with(SERVER_TOKEN, Optional.empty()), kafka);
  }

  /** Records one poll may return: {@link #maxPollRecords()} capped by {@link #maxInFlight()}. */
  public int effectiveMaxPollRecords() {
    return Math.min(maxPollRecords, maxInFlight);
  }

  /** A copy that talks to other Kafka and gRPC endpoints. */
  public BridgeConfig withEndpoints(String newBootstrapServers, String newServerTarget) {
    return from(values().with(BOOTSTRAP_SERVERS, newBootstrapServers).with(SERVER_TARGET, newServerTarget), kafka);
  }

  /** A copy that uses other topics. */
  public BridgeConfig withTopics(String newRequestTopic, String newResponseTopic, String newDeadLetterTopic) {
    return from(values()
        .with(REQUEST_TOPIC, newRequestTopic)
        .with(RESPONSE_TOPIC, newResponseTopic)
        .with(DLQ_TOPIC, newDeadLetterTopic), kafka);
  }

  /** Whether {@code run} also records the outcomes topic on the server. */
  public boolean outcomesEnabled() {
    return !outcomesTopic.isEmpty();
  }

  /**
   * The consumer group of the outcomes topic: its own, derived from {@link #groupId()}, so joining
   * or leaving it never rebalances the request partitions and its offsets stand apart.
   */
  public String outcomesGroupId() {
    return groupId + "-outcomes";
  }

  /** A copy that records another outcomes topic (empty: none) in batches of at most {@code newBatchSize}. */
  public BridgeConfig withOutcomes(String newOutcomesTopic, int newBatchSize) {
    return from(values().with(OUTCOMES_TOPIC, newOutcomesTopic).with(OUTCOMES_BATCH_SIZE, newBatchSize), kafka);
  }

  /** A copy with another consumer group and client id. */
  public BridgeConfig withGroup(String newGroupId, String newClientId) {
    return from(values().with(GROUP_ID, newGroupId).with(CLIENT_ID, newClientId), kafka);
  }

  /** A copy with another in-flight bound and poll size. */
  public BridgeConfig withInFlight(int newMaxInFlight, int newMaxPollRecords) {
    return from(values().with(MAX_IN_FLIGHT, newMaxInFlight).with(MAX_POLL_RECORDS, newMaxPollRecords), kafka);
  }

  /** A copy with another session timeout. */
  public BridgeConfig withSessionTimeout(Duration newSessionTimeout) {
    return from(values().with(SESSION_TIMEOUT, newSessionTimeout), kafka);
  }

  /** A copy with another drain timeout. */
  public BridgeConfig withDrainTimeout(Duration newDrainTimeout) {
    return from(values().with(DRAIN_TIMEOUT, newDrainTimeout), kafka);
  }

  /** A copy with another commit interval. */
  public BridgeConfig withCommitInterval(Duration newCommitInterval) {
    return from(values().with(COMMIT_INTERVAL, newCommitInterval), kafka);
  }

  /** A copy with other bounds on transient scoring answers. */
  public BridgeConfig withItemRetryBound(int newMaxAttempts, Duration newMaxAge) {
    return from(values().with(ITEM_MAX_ATTEMPTS, newMaxAttempts).with(ITEM_MAX_AGE, newMaxAge), kafka);
  }

  /** A copy with other produce bounds: attempts per answer and the largest answer. */
  public BridgeConfig withProduceBound(int newProduceAttempts, int newMaxRequestSize) {
    return from(values().with(PRODUCE_ATTEMPTS, newProduceAttempts).with(MAX_REQUEST_SIZE, newMaxRequestSize), kafka);
  }

  /** A copy with other telemetry: metrics port (0 picks a free one, -1 turns it off), log format, trace export. */
  public BridgeConfig withTelemetry(TelemetryConfig newTelemetry) {
    return from(withTelemetry(values(), newTelemetry), kafka);
  }

  /** A copy with another policy for answers that cannot be delivered. */
  public BridgeConfig withOnUndeliverable(UndeliverablePolicy newPolicy) {
    return from(values().with(ON_UNDELIVERABLE, newPolicy), kafka);
  }

  /** A copy with other backoff delays. */
  public BridgeConfig withRetryBackoff(Duration newInitial, Duration newMax) {
    return from(values().with(RETRY_INITIAL, newInitial).with(RETRY_MAX, newMax), kafka);
  }

  private static BridgeConfig from(Values values, KafkaClientProperties kafka) {
    return new BridgeConfig(
        values.get(BOOTSTRAP_SERVERS),
        values.get(KAFKA_CONFIG),
        kafka,
        values.get(SERVER_TARGET),
        values.get(SERVER_TLS),
        values.get(SERVER_TLS_CA_FILE),
        values.get(SERVER_TLS_CERT_FILE),
        values.get(SERVER_TLS_KEY_FILE),
        values.get(SERVER_TOKEN_FILE),
        values.get(SERVER_TOKEN),
        values.get(GROUP_ID),
        values.get(REQUEST_TOPIC),
        values.get(RESPONSE_TOPIC),
        values.get(DLQ_TOPIC),
        values.get(OUTCOMES_TOPIC),
        values.get(OUTCOMES_BATCH_SIZE),
        values.get(MAX_IN_FLIGHT),
        values.get(MAX_POLL_RECORDS),
        values.get(COMMIT_INTERVAL),
        values.get(RETRY_INITIAL),
        values.get(RETRY_MAX),
        values.get(ITEM_MAX_ATTEMPTS),
        values.get(ITEM_MAX_AGE),
        values.get(ITEM_TIMEOUT),
        values.get(DRAIN_TIMEOUT),
        values.get(SESSION_TIMEOUT),
        values.get(PRODUCE_ATTEMPTS),
        values.get(MAX_BLOCK),
        values.get(MAX_REQUEST_SIZE),
        values.get(ON_UNDELIVERABLE),
        values.get(CLIENT_ID),
        TelemetrySettings.config(values, METRICS_PORT));
  }

  private Values values() {
    return withTelemetry(RUN.defaults()
        .with(BOOTSTRAP_SERVERS, bootstrapServers)
        .with(KAFKA_CONFIG, kafkaConfig)
        .with(SERVER_TARGET, serverTarget)
        .with(SERVER_TLS, serverTls)
        .with(SERVER_TLS_CA_FILE, serverTlsCaFile)
        .with(SERVER_TLS_CERT_FILE, serverTlsCertFile)
        .with(SERVER_TLS_KEY_FILE, serverTlsKeyFile)
        .with(SERVER_TOKEN_FILE, serverTokenFile)
        .with(SERVER_TOKEN, serverToken)
        .with(GROUP_ID, groupId)
        .with(REQUEST_TOPIC, requestTopic)
        .with(RESPONSE_TOPIC, responseTopic)
        .with(DLQ_TOPIC, deadLetterTopic)
        .with(OUTCOMES_TOPIC, outcomesTopic)
        .with(OUTCOMES_BATCH_SIZE, outcomesBatchSize)
        .with(MAX_IN_FLIGHT, maxInFlight)
        .with(MAX_POLL_RECORDS, maxPollRecords)
        .with(COMMIT_INTERVAL, commitInterval)
        .with(RETRY_INITIAL, retryInitial)
        .with(RETRY_MAX, retryMax)
        .with(ITEM_MAX_ATTEMPTS, itemMaxAttempts)
        .with(ITEM_MAX_AGE, itemMaxAge)
        .with(ITEM_TIMEOUT, itemTimeout)
        .with(DRAIN_TIMEOUT, drainTimeout)
        .with(SESSION_TIMEOUT, sessionTimeout)
        .with(PRODUCE_ATTEMPTS, produceAttempts)
        .with(MAX_BLOCK, maxBlock)
        .with(MAX_REQUEST_SIZE, maxRequestSize)
        .with(ON_UNDELIVERABLE, onUndeliverable)
        .with(CLIENT_ID, clientId), telemetry);
  }

  private static Values withTelemetry(Values values, TelemetryConfig telemetry) {
    return values
        .with(METRICS_HOST, telemetry.metricsHost())
        .with(METRICS_PORT, telemetry.metricsPort())
        .with(LOG_FORMAT, telemetry.logFormat())
        .with(OTLP_ENDPOINT, telemetry.otlpEndpoint().map(URI::toString))
        .with(TRACE_SAMPLE_RATIO, telemetry.traceSampleRatio());
  }
}
