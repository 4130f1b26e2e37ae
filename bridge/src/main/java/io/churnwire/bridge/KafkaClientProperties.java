package io.churnwire.bridge;

import io.churnwire.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties the bridge passes through unchanged, so SASL, SSL and mTLS to the
 * brokers (and any other client tuning) need no code: a plain Kafka client properties file
 * ({@code --kafka-config}, as Kafka's own tools take with {@code --command-config}) for every
 * client, and {@code kafka.common.*}, {@code kafka.consumer.*} and {@code kafka.producer.*} keys in
 * the bridge's properties file, which win in that order. Properties the bridge sets for its
 * guarantees, or through a setting of its own, are refused naming the key, so nothing quietly
 * weakens at-least-once delivery. {@link #toString()} masks secrets, so the effective
 * configuration can be logged.
 *
 * @param common properties of both the consumer and the producer
 * @param consumer properties of the consumer only, over {@code common}
 * @param producer properties of the producer only, over {@code common}
 */
public record KafkaClientProperties(Map<String, String> common, Map<String, String> consumer,
    Map<String, String> producer) {

  /** Prefix of the pass-through keys in the bridge's properties file. */
  public static final String PREFIX = "kafka.";

  private static final String MASK = "[hidden]";

  /** Set by the bridge for its delivery guarantees; never from outside. */
  private static final Map<String, String> CONSUMER_GUARANTEES = Map.of(
      "enable.auto.commit", "offsets are committed only after the answer is acknowledged (at-least-once)",
      "isolation.level", "requests are read only once their transaction commits (read_committed)",
      "key.deserializer", "records are read as bytes",
      "value.deserializer", "records are read as bytes");

  private static final Map<String, String> PRODUCER_GUARANTEES = Map.of(
      "acks", "an answer counts as delivered only once every in-sync replica has it (acks=all)",
      "enable.idempotence", "retries must neither duplicate nor reorder answers",
      "max.in.flight.requests.per.connection", "more than 5 breaks per-partition order with idempotence",
      "transactional.id", "the bridge's producer is not transactional",
      "key.serializer", "records are written as bytes",
      "value.serializer", "records are written as bytes");

  /** Kafka properties the bridge sets from one of its own settings, named here for the message. */
  private static final Map<String, String> OWNED_BY_SETTINGS = Map.of(
      "bootstrap.servers", "bootstrap-servers",
      "group.id", "group-id",
      "client.id", "client-id",
      "max.poll.records", "max-poll-records",
      "session.timeout.ms", "session-timeout-ms",
      "max.block.ms", "max-block-ms",
      "max.request.size", "max-request-size");

  /** Copies the maps, sorted, and refuses what the bridge sets itself. */
  public KafkaClientProperties {
    common = Collections.unmodifiableMap(new TreeMap<>(common));
    consumer = Collections.unmodifiableMap(new TreeMap<>(consumer));
    producer = Collections.unmodifiableMap(new TreeMap<>(producer));
    common.keySet().forEach(key -> refuseReserved(key, PREFIX + "common." + key, true, true));
    consumer.keySet().forEach(key -> refuseReserved(key, PREFIX + "consumer." + key, true, false));
    producer.keySet().forEach(key -> refuseReserved(key, PREFIX + "producer." + key, false, true));
  }

  /** No pass-through properties: a plaintext, unauthenticated cluster. */
  public static KafkaClientProperties none() {
    return new KafkaClientProperties(Map.of(), Map.of(), Map.of());
  }

  /**
   * The {@code kafka.*} keys of a bridge properties file.
   *
   * @throws IllegalArgumentException for a key under {@code kafka.} naming no client, or a
   *     property the bridge sets itself, naming the key
   */
  public static KafkaClientProperties fromBridgeProperties(Properties properties) {
    Map<String, Map<String, String>> byClient = Map.of(
        "common", new HashMap<>(), "consumer", new HashMap<>(), "producer", new HashMap<>());
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      String rest = key.substring(PREFIX.length());
      int dot = rest.indexOf('.');
      Map<String, String> client = dot > 0 ? byClient.get(rest.substring(0, dot)) : null;
      if (client == null || dot == rest.length() - 1) {
        throw new IllegalArgumentException("unknown setting '" + key + "': Kafka client properties go under "
            + "kafka.common. (both clients), kafka.consumer. or kafka.producer.");
      }
      client.put(rest.substring(dot + 1), properties.getProperty(key).strip());
    }
    return new KafkaClientProperties(byClient.get("common"), byClient.get("consumer"), byClient.get("producer"));
  }

  /**
   * A plain Kafka client properties file, applied to every client.
   *
   * @throws IllegalArgumentException if it cannot be read or sets a property the bridge sets
   *     itself, naming the file and the key
   */
  public static KafkaClientProperties fromKafkaFile(Path file) {
    Properties properties = read(file, "Kafka config file");
    Map<String, String> common = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      refuseReserved(key, key + " in " + file, true, true);
      common.put(key, properties.getProperty(key).strip());
    }
    return new KafkaClientProperties(common, Map.of(), Map.of());
  }

  /**
   * What a command's sources give: the file of {@code kafkaConfig}, then the {@code kafka.*} keys of
   * the bridge properties file named by {@code --config} in {@code args} or else by the command's
   * variable in {@code environment}.
   */
  static KafkaClientProperties resolve(Settings settings, String[] args, Map<String, String> environment,
      Optional<Path> kafkaConfig) {
    KafkaClientProperties fromFile = kafkaConfig.map(KafkaClientProperties::fromKafkaFile).orElse(none());
    Optional<Path> bridgeFile = settings.configFile(args, environment);
    return bridgeFile.isEmpty() ? fromFile
        : fromFile.overriddenBy(fromBridgeProperties(read(bridgeFile.get(), "config file")));
  }

  /** These properties with {@code other}'s over them, client by client. */
  public KafkaClientProperties overriddenBy(KafkaClientProperties other) {
    return new KafkaClientProperties(merged(common, other.common), merged(consumer, other.consumer),
        merged(producer, other.producer));
  }

  /** What the consumer is given: {@link #common()} and then {@link #consumer()}. */
  public Map<String, String> forConsumer() {
    return merged(common, consumer);
  }

  /** What the producer is given: {@link #common()} and then {@link #producer()}. */
  public Map<String, String> forProducer() {
    return merged(common, producer);
  }

  /** Whether nothing is passed through. */
  public boolean isEmpty() {
    return common.isEmpty() && consumer.isEmpty() && producer.isEmpty();
  }

  /** Whether a property's value is a secret that must never be logged. */
  static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("password") || lower.contains("secret") || lower.endsWith("sasl.jaas.config")
        || lower.endsWith("ssl.keystore.key") || lower.contains("credentials");
  }

  /** The properties, with the values of {@link #isSecret} keys masked. */
  @Override
  public String toString() {
    return "common " + masked(common) + ", consumer " + masked(consumer) + ", producer " + masked(producer);
  }

  private static Map<String, String> masked(Map<String, String> properties) {
    Map<String, String> masked = new TreeMap<>();
    properties.forEach((key, value) -> masked.put(key, isSecret(key) ? MASK : value));
    return masked;
  }

  private static Map<String, String> merged(Map<String, String> under, Map<String, String> over) {
    Map<String, String> merged = new TreeMap<>(under);
    merged.putAll(over);
    return merged;
  }

  private static void refuseReserved(String property, String named, boolean consumer, boolean producer) {
    String why = consumer ? CONSUMER_GUARANTEES.get(property) : null;
    if (why == null && producer) {
      why = PRODUCER_GUARANTEES.get(property);
    }
    if (why != null) {
      throw new IllegalArgumentException(named + " cannot be set: the bridge sets " + property + " itself, because "
          + why);
    }
    String setting = OWNED_BY_SETTINGS.get(property);
    if (setting != null) {
      throw new IllegalArgumentException(named + " cannot be set: use the bridge setting " + setting);
    }
  }

  private static Properties read(Path file, String what) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + " (" + e.getClass().getSimpleName()
          + ")", e);
    }
    return properties;
  }
}
