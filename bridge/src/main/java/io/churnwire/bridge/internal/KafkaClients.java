package io.churnwire.bridge.internal;

import io.churnwire.bridge.BridgeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds the bridge's Kafka clients; every property it sets says why. The pass-through properties
 * ({@link io.churnwire.bridge.KafkaClientProperties}: security, tuning) go over the bridge's
 * tunable defaults and under the properties its guarantees rest on, which they may not name.
 */
public final class KafkaClients {

  private KafkaClients() {}

  /** The consumer of the request topic: manual commits, bounded polls, read from the start. */
  public static KafkaConsumer<byte[], byte[]> consumer(BridgeConfig config, String instance) {
    return new KafkaConsumer<>(consumerProperties(config, instance), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** The properties of {@link #consumer}. */
  static Map<String, Object> consumerProperties(BridgeConfig config, String instance) {
    Map<String, Object> props = new HashMap<>();
    // A new group answers the requests already waiting rather than skipping them.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Scale-out moves only the partitions that change owner; the others keep scoring.
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class));
    // Heartbeats also carry rebalance news: Kafka's 3 s default, or a third of a shorter session timeout.
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(1, Math.min(3_000, config.sessionTimeout().toMillis() / 3)));
    // A drain on rebalance or stop must finish well inside the poll interval.
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.max(300_000, config.drainTimeout().toMillis() * 2 + 60_000));
    // Security (SASL, SSL) and tuning from the operator, over the defaults above.
    props.putAll(config.kafka().forConsumer());
    // Where the cluster is.
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // Instances sharing this id split the request partitions between them.
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // Names this instance in broker logs and metrics.
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-consumer-" + instance);
    // At-least-once: offsets are committed by the bridge only after the answer is acknowledged.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // One poll never returns more than fits under the in-flight bound.
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.effectiveMaxPollRecords());
    // Requests from transactional producers are answered only once their transaction commits.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // How fast the partitions of a crashed instance move to the survivors.
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    return props;
  }

  /**
   * The consumer of the outcomes topic: the request consumer's properties in a group of its own
   * ({@link BridgeConfig#outcomesGroupId()}), polling at most one {@code RecordOutcomes} batch.
   */
  public static KafkaConsumer<byte[], byte[]> outcomeConsumer(BridgeConfig config, String instance) {
    return new KafkaConsumer<>(outcomeConsumerProperties(config, instance), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** The properties of {@link #outcomeConsumer}. */
  static Map<String, Object> outcomeConsumerProperties(BridgeConfig config, String instance) {
    Map<String, Object> props = consumerProperties(config, instance);
    // Its own group: joining or leaving it never moves request partitions, and its offsets stand apart.
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.outcomesGroupId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-outcomes-consumer-" + instance);
    // One poll is one RecordOutcomes batch at most, committed once the server accepted it.
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.outcomesBatchSize());
    return props;
  }

  /** The producer of responses and dead letters: idempotent, fully acknowledged, ordered. */
  public static KafkaProducer<byte[], byte[]> producer(BridgeConfig config, String instance) {
    return new KafkaProducer<>(producerProperties(config, instance), new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** The properties of {@link #producer}. */
  static Map<String, Object> producerProperties(BridgeConfig config, String instance) {
    Map<String, Object> props = new HashMap<>();
    // A few milliseconds of batching buys much throughput for small records.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A poll's answers leave together: batches larger than the 16 KiB default carry them in fewer requests.
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    // Responses are small and repetitive; lz4 is cheap on CPU.
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Security (SASL, SSL) and tuning from the operator, over the defaults above.
    props.putAll(config.kafka().forProducer());
    // Where the cluster is.
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // Names this instance in broker logs and metrics.
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-producer-" + instance);
    // An answer counts as delivered only once every in-sync replica has it.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Retries inside the producer neither duplicate nor reorder records.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // The largest value that keeps per-partition order with idempotence.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // send() runs on the bridge's sender thread; a missing topic or a full buffer fails it after this long.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.maxBlock().toMillis());
    // The bridge checks answers against the same limit before sending, and cuts dead letters to fit it.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.maxRequestSize());
    return props;
  }
}
