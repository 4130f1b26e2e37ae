package io.churnwire.reliability;

import io.churnwire.v1.PredictRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bridge's topics and consumer group in a scenario, and how the scenario feeds requests in
 * and reads the outcomes back by correlation id: the at-least-once bookkeeping the bridge
 * scenarios share.
 */
record RequestTopics(String requests, String responses, String deadLetters, String group) {
  /** The bridge's correlation header ({@code BridgeHeaders.CORRELATION_ID}): the request id here. */
  static final String CORRELATION_ID = "correlation-id";

  /** Creates the topics, the requests and answers with {@code partitions} partitions each. */
  void create(Admin admin, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(requests, partitions, (short) 1),
        new NewTopic(responses, partitions, (short) 1), new NewTopic(deadLetters, 1, (short) 1)))
        .all().get(60, TimeUnit.SECONDS);
  }

  /** The flags of {@code churnwire-bridge run} for these topics, scoring on {@code serverTarget}. */
  List<String> bridgeFlags(String bootstrap, String serverTarget, Duration sessionTimeout) {
    return List.of("--bootstrap-servers", bootstrap, "--server-target", serverTarget, "--group-id", group,
        "--request-topic", requests, "--response-topic", responses, "--dlq-topic", deadLetters,
        "--session-timeout-ms", Long.toString(sessionTimeout.toMillis()), "--commit-interval-ms", "500");
  }

  /**
   * Sends up to {@code records} requests evenly over {@code duration}, request {@code i} being
   * {@code request.apply(i)} keyed by its customer, until {@code go} turns false; returns how
   * many were sent (all acknowledged).
   */
  int produce(String bootstrap, int records, Duration duration, BooleanSupplier go, IntFunction<PredictRequest> request) {
    int sent = 0;
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < records && go.getAsBoolean(); i++) {
        PredictRequest next = request.apply(i);
        producer.send(new ProducerRecord<>(requests, next.getCustomerId().getBytes(StandardCharsets.UTF_8),
            next.toByteArray()));
        sent++;
        long due = start + duration.toNanos() * (i + 1) / records;
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return sent;
  }

  /**
   * Whether the bridge's group has committed every request: it commits a request only once its
   * answer or dead letter is acknowledged, so this is the moment nothing is left to settle.
   * Counting answer records instead would stop early, since duplicates count too.
   */
  boolean committedEverything(Admin admin, KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions(consumer, requests));
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    return ends.entrySet().stream().allMatch(end -> {
      OffsetAndMetadata offset = committed.get(end.getKey());
      return end.getValue() == 0 || offset != null && offset.offset() >= end.getValue();
    });
  }

  /** Records on the answer and dead-letter topics, duplicates included. */
  long outcomes(KafkaConsumer<byte[], byte[]> consumer) {
    List<TopicPartition> partitions = new ArrayList<>(partitions(consumer, responses));
    partitions.addAll(partitions(consumer, deadLetters));
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every answer and dead letter on the topics so far, by correlation id. */
  Outcomes readOutcomes(String bootstrap) {
    Map<String, Integer> answered = new HashMap<>();
    Map<String, Integer> deadLettered = new HashMap<>();
    long answerRecords = readAll(bootstrap, responses, answered);
    long deadLetterRecords = readAll(bootstrap, deadLetters, deadLettered);
    return new Outcomes(answered, deadLettered, answerRecords, deadLetterRecords);
  }

  /**
   * What the bridge wrote: records per correlation id on the answer and dead-letter topics, and
   * the record counts, duplicates included.
   */
  record Outcomes(Map<String, Integer> answered, Map<String, Integer> deadLettered, long answerRecords,
      long deadLetterRecords) {
    Outcomes {
      answered = Map.copyOf(answered);
      deadLettered = Map.copyOf(deadLettered);
    }

    /** Whether request {@code id} was answered or dead-lettered, at least once. */
    boolean settled(String id) {
      return answered.containsKey(id) || deadLettered.containsKey(id);
    }

    /** Records beyond the first for a request: the duplicates at-least-once allows. */
    long duplicates() {
      Set<String> settled = new HashSet<>(answered.keySet());
      settled.addAll(deadLettered.keySet());
      return answerRecords + deadLetterRecords - settled.size();
    }
  }

  /** Reads {@code topic} to its end, counting records by correlation id; returns the record count. */
  private static long readAll(String bootstrap, String topic, Map<String, Integer> byId) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long read = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (read < total && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header header = record.headers().lastHeader(CORRELATION_ID);
          String id = header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
          byId.merge(id, 1, Integer::sum);
          read++;
        }
      }
      return read;
    }
  }

  /** A consumer of committed records that commits nothing, for reading progress and outcomes. */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
  }
}
