package io.churnwire.reliability;

import io.churnwire.kafka.local.LocalKafka;
import io.churnwire.kafka.local.LocalKafkaConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.Contract;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * Scenario 3: the bridge process is killed with SIGKILL again and again while requests keep
 * arriving, and restarted each time. Expected: every request answered or dead-lettered (only the
 * invalid ones dead-lettered); the duplicates at-least-once allows are counted.
 */
final class BridgeKillScenario implements Scenario {
  /** The bridge's correlation header ({@code BridgeHeaders.CORRELATION_ID}): the request id here. */
  static final String CORRELATION_ID = "correlation-id";
  /** Every this many requests one is invalid (no contract), and must be dead-lettered. */
  static final int INVALID_EVERY = 500;
  private static final int PARTITIONS = 3;
  /** The broker's smallest allowed session timeout; a killed instance's partitions move after it. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  private static final String REQUESTS = "reliability.requests";
  private static final String RESPONSES = "reliability.predictions";
  private static final String DEAD_LETTERS = "reliability.dlq";
  private static final String GROUP = "reliability";

  @Override
  public int number() {
    return 3;
  }

  @Override
  public String name() {
    return "bridge kill -9";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    LocalKafkaConfig kafkaConfig = new LocalKafkaConfig(workspace.directory("kafka"),
        EnvoyGateway.freePort(), EnvoyGateway.freePort(), PARTITIONS);
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), workspace.demoRegistry(),
        workspace.log("bridge-server"), List.of());
        LocalKafka kafka = LocalKafka.start(kafkaConfig);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(REQUESTS, PARTITIONS, (short) 1),
          new NewTopic(RESPONSES, PARTITIONS, (short) 1), new NewTopic(DEAD_LETTERS, 1, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
      List<String> flags = List.of("--bootstrap-servers", kafka.bootstrapServers(),
          "--server-target", "127.0.0.1:" + server.port(), "--group-id", GROUP,
          "--request-topic", REQUESTS, "--response-topic", RESPONSES, "--dlq-topic", DEAD_LETTERS,
          "--session-timeout-ms", Long.toString(SESSION_TIMEOUT.toMillis()), "--commit-interval-ms", "500");
      int records = scale.bridgeRecords();
      int kills = scale.bridgeKills();
      Duration production = Duration.ofSeconds(2L * (kills + 1));
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread producer = Thread.ofPlatform().name("reliability-producer")
          .start(() -> produce(kafka.bootstrapServers(), records, production, producing));
      int killed = 0;
      long deadline = System.nanoTime() + scale.hangTimeout().toNanos();
      BridgeProcess bridge = BridgeProcess.start(workspace.checkout(), flags, workspace.log("bridge"));
      try (KafkaConsumer<byte[], byte[]> progress = consumer(kafka.bootstrapServers())) {
        while (killed < kills && System.nanoTime() < deadline) {
          long target = (long) records * (killed + 1) / (kills + 1);
          if (outcomes(progress) >= target) {
            bridge.kill();
            killed++;
            bridge = BridgeProcess.start(workspace.checkout(), flags, workspace.log("bridge"));
          } else {
            Thread.sleep(20);
          }
        }
        producer.join(scale.hangTimeout().toMillis());
        while (!committedEverything(admin, progress) && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
      } finally {
        producing.set(false);
        bridge.close();
      }

      Map<String, Integer> answered = new HashMap<>();
      Map<String, Integer> deadLettered = new HashMap<>();
      long answerRecords = readAll(kafka.bootstrapServers(), RESPONSES, answered);
      long deadLetterRecords = readAll(kafka.bootstrapServers(), DEAD_LETTERS, deadLettered);
      Set<String> settled = new HashSet<>(answered.keySet());
      settled.addAll(deadLettered.keySet());
      long missing = 0;
      long validDeadLettered = 0;
      long invalidAnswered = 0;
      for (int i = 0; i < records; i++) {
        String id = id(i);
        missing += settled.contains(id) ? 0 : 1;
        if (invalid(i)) {
          invalidAnswered += answered.containsKey(id) ? 1 : 0;
        } else {
          validDeadLettered += deadLettered.containsKey(id) ? 1 : 0;
        }
      }
      long duplicates = answerRecords + deadLetterRecords - settled.size();

      figures.add(Figure.of("requests", records));
      figures.add(Figure.of("kill -9 of the bridge", killed));
      figures.add(Figure.of("answer records", answerRecords));
      figures.add(Figure.of("dead-letter records", deadLetterRecords));
      figures.add(Figure.of("requests neither answered nor dead-lettered", missing));
      figures.add(Figure.of("duplicates (answered again after a kill)", duplicates));
      if (killed < kills) {
        violations.add("only " + killed + " of " + kills + " kills happened within " + scale.hangTimeout());
      }
      if (missing > 0) {
        violations.add(missing + " requests were neither answered nor dead-lettered");
      }
      if (validDeadLettered > 0) {
        violations.add(validDeadLettered + " valid requests were dead-lettered");
      }
      if (invalidAnswered > 0) {
        violations.add(invalidAnswered + " invalid requests were answered instead of dead-lettered");
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  private static String id(int i) {
    return "kill-" + i;
  }

  private static boolean invalid(int i) {
    return i % INVALID_EVERY == INVALID_EVERY - 1;
  }

  /** Sends the requests evenly over {@code duration}, so records keep arriving through every kill. */
  private static void produce(String bootstrap, int records, Duration duration, AtomicBoolean producing) {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<PredictRequest> customers = Customers.varied(100);
      long start = System.nanoTime();
      for (int i = 0; i < records && producing.get(); i++) {
        PredictRequest request = customers.get(i % customers.size()).toBuilder().setRequestId(id(i)).build();
        if (invalid(i)) {
          request = request.toBuilder().setContract(Contract.CONTRACT_UNSPECIFIED).build();
        }
        producer.send(new ProducerRecord<>(REQUESTS, request.getCustomerId().getBytes(StandardCharsets.UTF_8),
            request.toByteArray()));
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
  }

  /**
   * Whether the bridge's group has committed every request: it commits a request only once its
   * answer or dead letter is acknowledged, so this is the moment nothing is left to settle.
   * Counting answer records instead would stop early, since duplicates count too.
   */
  private static boolean committedEverything(Admin admin, KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions(consumer, REQUESTS));
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    return ends.entrySet().stream().allMatch(end -> {
      OffsetAndMetadata offset = committed.get(end.getKey());
      return end.getValue() == 0 || offset != null && offset.offset() >= end.getValue();
    });
  }

  /** Records on the answer and dead-letter topics, duplicates included. */
  private static long outcomes(KafkaConsumer<byte[], byte[]> consumer) {
    List<TopicPartition> partitions = new ArrayList<>(partitions(consumer, RESPONSES));
    partitions.addAll(partitions(consumer, DEAD_LETTERS));
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
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

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
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
