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
import static io.churnwire.bridge.BridgeSettings.MAX_BLOCK;
import static io.churnwire.bridge.BridgeSettings.MAX_IN_FLIGHT;
import static io.churnwire.bridge.BridgeSettings.MAX_POLL_RECORDS;
import static io.churnwire.bridge.BridgeSettings.MAX_REQUEST_SIZE;
import static io.churnwire.bridge.BridgeSettings.ON_UNDELIVERABLE;
import static io.churnwire.bridge.BridgeSettings.PRODUCE_ATTEMPTS;
import static io.churnwire.bridge.BridgeSettings.REQUEST_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RESPONSE_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RETRY_INITIAL;
import static io.churnwire.bridge.BridgeSettings.RETRY_MAX;
import static io.churnwire.bridge.BridgeSettings.RUN;
import static io.churnwire.bridge.BridgeSettings.SERVER_TARGET;
import static io.churnwire.bridge.BridgeSettings.SESSION_TIMEOUT;

import io.churnwire.config.Values;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the bridge, validated once so a bad value fails at start with a message naming
 * it. Each field is a setting of {@code BridgeSettings}, which declares its default, rule, flag,
 * environment variable ({@code CHURNWIRE_BRIDGE_*}) and key ({@code churnwire.bridge.*}); the
 * compact constructor adds the rules that span two settings.
 *
 * @param bootstrapServers Kafka bootstrap address list
 * @param serverTarget gRPC target of the scoring server, e.g. {@code 127.0.0.1:50051}
 * @param groupId consumer group shared by all bridge instances that split the request partitions
 * @param requestTopic topic of {@code PredictRequest} records
 * @param responseTopic topic the {@code PredictResponse} records go to
 * @param deadLetterTopic topic of records that could not be decoded or scored, or whose answer was too large
 * @param maxInFlight records polled and not yet committable, at most; the memory bound
 * @param maxPollRecords records one poll may return; the consumer polls only when that many fit
 * @param commitInterval how often acknowledged offsets are committed while running
 * @param retryInitial first backoff after a transient scoring error
 * @param retryMax largest backoff after repeated transient errors (scoring and producing)
 * @param itemMaxAttempts transient answers to one record after which it is dead-lettered
 * @param itemMaxAge time since a record was first sent after which a transient answer dead-letters it
 * @param itemTimeout how long an item may stay unanswered before the stream is restarted
 * @param drainTimeout how long a stop or a rebalance waits for in-flight records to be answered
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 * @param produceAttempts sends of one answer after retriable producer errors before giving up on it
 * @param maxBlock longest a send may block for metadata or buffer space (producer {@code max.block.ms})
 * @param maxRequestSize largest answer in bytes (producer {@code max.request.size}); checked before sending
 * @param onUndeliverable what happens once an answer cannot be delivered
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
    int itemMaxAttempts,
    Duration itemMaxAge,
    Duration itemTimeout,
    Duration drainTimeout,
    Duration sessionTimeout,
    int produceAttempts,
    Duration maxBlock,
    int maxRequestSize,
    UndeliverablePolicy onUndeliverable,
    String clientId) {

  /** Checks every field against its setting's rule, then the rules between settings. */
  public BridgeConfig {
    BOOTSTRAP_SERVERS.check(bootstrapServers);
    SERVER_TARGET.check(serverTarget);
    GROUP_ID.check(groupId);
    REQUEST_TOPIC.check(requestTopic);
    RESPONSE_TOPIC.check(responseTopic);
    DLQ_TOPIC.check(deadLetterTopic);
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
    if (requestTopic.equals(responseTopic) || requestTopic.equals(deadLetterTopic)) {
      throw new IllegalArgumentException("request-topic '" + requestTopic
          + "' must differ from response-topic and dlq-topic, or the bridge would consume its own output");
    }
    if (retryInitial.compareTo(retryMax) > 0) {
      throw new IllegalArgumentException("retry-initial-ms (" + retryInitial.toMillis()
          + ") must not exceed retry-max-ms (" + retryMax.toMillis() + ")");
    }
  }

  /** The declared defaults: local broker and server, the {@code churn.*} topics, 1000 records in flight. */
  public static BridgeConfig defaults() {
    return from(RUN.defaults());
  }

  /**
   * Resolves the {@code run} command's {@code args} and {@code environment}: flags, then
   * {@code CHURNWIRE_BRIDGE_*} variables, then the properties file ({@code --config} or
   * {@code CHURNWIRE_BRIDGE_CONFIG}), then the defaults.
   *
   * @throws IllegalArgumentException for an unknown flag or key, a bad value or an unreadable file,
   *     with a message naming it
   */
  public static BridgeConfig resolve(String[] args, Map<String, String> environment) {
    return from(RUN.resolve(args, environment));
  }

  /**
   * Reads a configuration from {@code churnwire.bridge.*} properties; missing keys keep their
   * defaults and unknown keys under the prefix are rejected, so a misspelt setting is not ignored.
   */
  public static BridgeConfig fromProperties(Properties properties) {
    return from(RUN.fromProperties(properties));
  }

  /** Writes every setting under its {@code churnwire.bridge.*} key. */
  public Properties toProperties() {
    return values().toProperties();
  }

  /** Records one poll may return: {@link #maxPollRecords()} capped by {@link #maxInFlight()}. */
  public int effectiveMaxPollRecords() {
    return Math.min(maxPollRecords, maxInFlight);
  }

  /** A copy that talks to other Kafka and gRPC endpoints. */
  public BridgeConfig withEndpoints(String newBootstrapServers, String newServerTarget) {
    return from(values().with(BOOTSTRAP_SERVERS, newBootstrapServers).with(SERVER_TARGET, newServerTarget));
  }

  /** A copy that uses other topics. */
  public BridgeConfig withTopics(String newRequestTopic, String newResponseTopic, String newDeadLetterTopic) {
    return from(values()
        .with(REQUEST_TOPIC, newRequestTopic)
        .with(RESPONSE_TOPIC, newResponseTopic)
        .with(DLQ_TOPIC, newDeadLetterTopic));
  }

  /** A copy with another consumer group and client id. */
  public BridgeConfig withGroup(String newGroupId, String newClientId) {
    return from(values().with(GROUP_ID, newGroupId).with(CLIENT_ID, newClientId));
  }

  /** A copy with another in-flight bound and poll size. */
  public BridgeConfig withInFlight(int newMaxInFlight, int newMaxPollRecords) {
    return from(values().with(MAX_IN_FLIGHT, newMaxInFlight).with(MAX_POLL_RECORDS, newMaxPollRecords));
  }

  /** A copy with another session timeout. */
  public BridgeConfig withSessionTimeout(Duration newSessionTimeout) {
    return from(values().with(SESSION_TIMEOUT, newSessionTimeout));
  }

  /** A copy with another commit interval. */
  public BridgeConfig withCommitInterval(Duration newCommitInterval) {
    return from(values().with(COMMIT_INTERVAL, newCommitInterval));
  }

  /** A copy with other bounds on transient scoring answers. */
  public BridgeConfig withItemRetryBound(int newMaxAttempts, Duration newMaxAge) {
    return from(values().with(ITEM_MAX_ATTEMPTS, newMaxAttempts).with(ITEM_MAX_AGE, newMaxAge));
  }

  /** A copy with other produce bounds: attempts per answer and the largest answer. */
  public BridgeConfig withProduceBound(int newProduceAttempts, int newMaxRequestSize) {
    return from(values().with(PRODUCE_ATTEMPTS, newProduceAttempts).with(MAX_REQUEST_SIZE, newMaxRequestSize));
  }

  /** A copy with another policy for answers that cannot be delivered. */
  public BridgeConfig withOnUndeliverable(UndeliverablePolicy newPolicy) {
    return from(values().with(ON_UNDELIVERABLE, newPolicy));
  }

  /** A copy with other backoff delays. */
  public BridgeConfig withRetryBackoff(Duration newInitial, Duration newMax) {
    return from(values().with(RETRY_INITIAL, newInitial).with(RETRY_MAX, newMax));
  }

  private static BridgeConfig from(Values values) {
    return new BridgeConfig(
        values.get(BOOTSTRAP_SERVERS),
        values.get(SERVER_TARGET),
        values.get(GROUP_ID),
        values.get(REQUEST_TOPIC),
        values.get(RESPONSE_TOPIC),
        values.get(DLQ_TOPIC),
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
        values.get(CLIENT_ID));
  }

  private Values values() {
    return RUN.defaults()
        .with(BOOTSTRAP_SERVERS, bootstrapServers)
        .with(SERVER_TARGET, serverTarget)
        .with(GROUP_ID, groupId)
        .with(REQUEST_TOPIC, requestTopic)
        .with(RESPONSE_TOPIC, responseTopic)
        .with(DLQ_TOPIC, deadLetterTopic)
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
        .with(CLIENT_ID, clientId);
  }
}
