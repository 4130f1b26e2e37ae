package io.churnwire.bridge;

import static io.churnwire.bridge.BridgeSettings.BOOTSTRAP_SERVERS;
import static io.churnwire.bridge.BridgeSettings.FROM_BEGINNING;
import static io.churnwire.bridge.BridgeSettings.IDLE_EXIT_SECONDS;
import static io.churnwire.bridge.BridgeSettings.KAFKA_CONFIG;
import static io.churnwire.bridge.BridgeSettings.MAX;
import static io.churnwire.bridge.BridgeSettings.READ;
import static io.churnwire.bridge.BridgeSettings.READ_DLQ_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RESPONSE_TOPIC;

import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.config.Values;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code read}: the downstream system of the demo. Prints predictions and dead letters as they
 * arrive. It joins no consumer group and commits nothing, so it never disturbs real consumers. Its
 * settings are {@link BridgeSettings#READ}, the Kafka ones shared with {@code run}.
 */
@Command(name = "read",
    description = "Print PredictResponses and dead letters as they arrive. read --help lists its settings.")
final class ReadCommand implements Callable<Integer> {

  /** Everything after {@code read}, parsed by the settings' declarations rather than by picocli. */
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    String[] arguments = args.toArray(String[]::new);
    if (READ.helpRequested(arguments)) {
      System.out.println(READ.help());
      return 0;
    }
    Values settings;
    KafkaClientProperties kafka;
    try {
      settings = READ.resolve(arguments, System.getenv());
      kafka = KafkaClientProperties.resolve(READ, arguments, System.getenv(), settings.get(KAFKA_CONFIG));
    } catch (IllegalArgumentException e) {
      System.err.println(READ.command() + ": " + e.getMessage());
      return 2;
    }
    String topic = settings.get(RESPONSE_TOPIC);
    String dlqTopic = settings.get(READ_DLQ_TOPIC);
    long max = settings.get(MAX);
    Duration idleExit = Duration.ofSeconds(settings.get(IDLE_EXIT_SECONDS));
    // Security (SASL, SSL) and tuning from the operator.
    Map<String, Object> props = new HashMap<>(kafka.forConsumer());
    // Where the cluster is.
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(BOOTSTRAP_SERVERS));
    // The reader assigns partitions itself and has no group, so there is nothing to commit.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long seen = 0;
    long lastRecord = System.nanoTime();
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partitions = new ArrayList<TopicPartition>();
      for (String name : dlqTopic.isBlank() ? List.of(topic) : List.of(topic, dlqTopic)) {
        partitions.addAll(awaitPartitions(consumer, name));
      }
      consumer.assign(partitions);
      if (settings.get(FROM_BEGINNING)) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      while (max <= 0 || seen < max) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (var record : records) {
          System.out.println(describe(record, dlqTopic));
          seen++;
          lastRecord = System.nanoTime();
        }
        if (idleExit.isPositive() && System.nanoTime() - lastRecord > idleExit.toNanos()) {
          break;
        }
      }
    }
    System.err.println("read " + seen + " records");
    return 0;
  }

  /** The topic's partitions; waits for the topic, which the bridge creates on its first answer. */
  private static List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> consumer, String name)
      throws InterruptedException {
    boolean told = false;
    while (true) {
      var infos = consumer.partitionsFor(name, Duration.ofSeconds(30));
      if (!infos.isEmpty()) {
        return infos.stream().map(info -> new TopicPartition(name, info.partition())).toList();
      }
      if (!told) {
        System.err.println("waiting for topic " + name + " to exist");
        told = true;
      }
      Thread.sleep(500);
    }
  }

  private static String describe(ConsumerRecord<byte[], byte[]> record, String dlqTopic) {
    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    String correlation = RecordCodec.lastHeader(record.headers(), BridgeHeaders.CORRELATION_ID);
    if (record.topic().equals(dlqTopic)) {
      return "DLQ  %s key=%s corr=%s error=%s message=\"%s\" violations=\"%s\" from=%s-%s@%s".formatted(where, key,
          correlation, header(record, BridgeHeaders.ERROR_CODE), header(record, BridgeHeaders.ERROR_MESSAGE),
          header(record, BridgeHeaders.ERROR_VIOLATIONS), header(record, BridgeHeaders.ORIGINAL_TOPIC),
          header(record, BridgeHeaders.ORIGINAL_PARTITION), header(record, BridgeHeaders.ORIGINAL_OFFSET));
    }
    try {
      var response = RecordCodec.decodeResponse(record.value(), record.headers());
      var prediction = response.getPrediction();
      return "PRED %s key=%s corr=%s customer=%s p=%.3f risk=%s churn=%s model=%s".formatted(where, key, correlation,
          response.getCustomerId(), prediction.getChurnProbability(),
          prediction.getRiskBand().name().replace("RISK_BAND_", ""), prediction.getWillChurn() ? "yes" : "no",
          prediction.getModelVersion());
    } catch (RecordCodec.DecodeException e) {
      return "???  %s key=%s corr=%s undecodable: %s".formatted(where, key, correlation, e.getMessage());
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    String value = RecordCodec.lastHeader(record.headers(), name);
    return value == null ? "" : value;
  }
}
