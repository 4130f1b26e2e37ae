package io.churnwire.bridge.benchmark;

import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.KafkaBridge;
import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.telemetry.TelemetryConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Measures, in one run against one broker, Kafka's raw produce-to-consume rate and the bridge's
 * end-to-end rate (request produced, scored over gRPC, response consumed) for the same records, so
 * the bridge's cost is read against what the broker alone can do on the same machine. It lives
 * outside the bridge jar because a deployed bridge has no use for it.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Raw Kafka produce->consume records/s beside bridge end-to-end records/s.")
public final class BridgeBenchmark implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--server-target", defaultValue = "127.0.0.1:50051", description = "Scoring server.")
  String serverTarget;

  @Option(names = "--records", defaultValue = "100000", description = "Records per measured pass.")
  int records;

  @Option(names = "--warmup", defaultValue = "50000", description = "Records per warm-up pass (not reported).")
  int warmup;

  @Option(names = "--repeat", defaultValue = "3", description = "Measured passes of each kind; the median is reported.")
  int repeat;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of every benchmark topic.")
  int partitions;

  @Option(names = "--max-in-flight", description = "The bridge's in-flight bound; the bridge's default when absent.")
  Integer maxInFlight;

  @Option(names = "--json", paramLabel = "FILE", description = "Also writes the figures to FILE as one JSON object.")
  Path json;

  private Admin admin;
  /** CPU time this process spent per record in the last pass, producer, consumer and bridge together. */
  private double cpuMicrosPerRecord;
  private List<ProducerRecord<byte[], byte[]>> template;

  /** Runs the benchmark and prints the two rates; {@code bridge/run.sh benchmark} starts it. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Iterator<double[]> customers = SyntheticTelcoData.rows(7);
    template = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < Math.max(records, warmup); i++) {
      var request = TelcoRequests.of("SYN-%06d".formatted(i + 1), customers.next()).toBuilder()
          .setRequestId("bench-" + i).build();
      byte[] value = request.toByteArray();
      bytes += value.length;
      template.add(new ProducerRecord<>("", request.getCustomerId().getBytes(StandardCharsets.UTF_8), value));
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    System.out.printf("records=%d, value=%.1f bytes on average (serialized PredictRequest), partitions=%d, "
        + "cores=%d%n", records, (double) bytes / template.size(), partitions,
        Runtime.getRuntime().availableProcessors());
    try (var adminClient = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin = adminClient;
      raw("warm-raw-" + run, warmup);
      bridge("warm-bridge-" + run, warmup);
      var raws = new ArrayList<Double>();
      var bridged = new ArrayList<Double>();
      for (int pass = 1; pass <= repeat; pass++) {
        raws.add(raw("raw-" + run + "-" + pass, records));
        double rawCpu = cpuMicrosPerRecord;
        bridged.add(bridge("bridge-" + run + "-" + pass, records));
        System.out.printf("  pass %d: raw %,.0f records/s, bridge %,.0f records/s; CPU of this JVM per record "
            + "(broker and server apart): raw %.1f us, bridge %.1f us%n", pass, raws.getLast(), bridged.getLast(),
            rawCpu, cpuMicrosPerRecord);
      }
      double raw = median(raws);
      double bridge = median(bridged);
      System.out.printf("raw Kafka produce->consume:             %,10.0f records/s (median of %d)%n", raw, repeat);
      System.out.printf("bridge end to end (Kafka->gRPC->Kafka): %,10.0f records/s (median of %d, %.1f%% of raw)%n",
          bridge, repeat, 100 * bridge / raw);
      if (json != null) {
        Files.writeString(json, String.format(Locale.ROOT, "{\"raw_records_per_second\":%.0f,"
            + "\"bridge_records_per_second\":%.0f,\"ratio\":%.4f,\"records\":%d,\"partitions\":%d}%n",
            raw, bridge, bridge / raw, records, partitions));
      }
    }
    return 0;
  }

  /** Produces {@code count} records to a fresh topic and consumes them; returns records/s. */
  private double raw(String topic, int count) throws Exception {
    createTopics(topic);
    return produceAndAwait(topic, topic, count);
  }

  /** Runs a bridge between fresh topics and times requests in to responses out; returns records/s. */
  private double bridge(String prefix, int count) throws Exception {
    String requests = prefix + ".requests";
    String responses = prefix + ".predictions";
    String deadLetters = prefix + ".dlq";
    createTopics(requests, responses, deadLetters);
    var config = BridgeConfig.defaults()
        .withEndpoints(bootstrapServers, serverTarget)
        .withTopics(requests, responses, deadLetters)
        .withGroup(prefix, prefix)
        .withTelemetry(TelemetryConfig.off());
    if (maxInFlight != null) {
      config = config.withInFlight(maxInFlight, Math.min(config.maxPollRecords(), maxInFlight));
    }
    try (var bridge = KafkaBridge.start(config)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (bridge.stats().assignment().size() < partitions) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("bridge got no partitions: " + bridge.stats());
        }
        Thread.sleep(20);
      }
      double rate = produceAndAwait(requests, responses, count);
      var stats = bridge.stats();
      System.out.printf("  %s: answered %d, pauses %d, max in flight %d, retries %d%n", prefix, stats.answered(),
          stats.pauses(), stats.maxInFlightSeen(), stats.retries());
      return rate;
    }
  }

  /**
   * Starts a consumer on {@code readTopic} at its beginning, then produces {@code count} records to
   * {@code writeTopic}; the time runs from the first send to the last record read.
   */
  private double produceAndAwait(String writeTopic, String readTopic, int count) throws Exception {
    var consumed = new CompletableFuture<Long>();
    var ready = new CompletableFuture<Void>();
    var failure = new AtomicReference<Throwable>();
    Thread reader = Thread.ofPlatform().name("bench-reader").start(() -> {
      Map<String, Object> props = new HashMap<>();
      // Where the cluster is.
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      // The reader only counts; it has no group and nothing to commit.
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        var assigned = new ArrayList<TopicPartition>();
        for (int p = 0; p < partitions; p++) {
          assigned.add(new TopicPartition(readTopic, p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        assigned.forEach(consumer::position);
        ready.complete(null);
        long seen = 0;
        while (seen < count) {
          seen += consumer.poll(Duration.ofMillis(100)).count();
        }
        consumed.complete(System.nanoTime());
      } catch (Throwable e) {
        failure.set(e);
        ready.completeExceptionally(e);
        consumed.completeExceptionally(e);
      }
    });
    ready.get(60, TimeUnit.SECONDS);
    Map<String, Object> props = new HashMap<>();
    // The same settings as the bridge's own producer, so both passes pay the same produce cost.
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long started;
    long cpuStarted;
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor(writeTopic);
      started = System.nanoTime();
      cpuStarted = processCpuNanos();
      for (int i = 0; i < count; i++) {
        var record = template.get(i);
        producer.send(new ProducerRecord<>(writeTopic, record.key(), record.value()));
      }
      producer.flush();
    }
    long finished = consumed.get(10, TimeUnit.MINUTES);
    reader.join();
    if (failure.get() != null) {
      throw new IllegalStateException("reader failed", failure.get());
    }
    cpuMicrosPerRecord = (processCpuNanos() - cpuStarted) / 1e3 / count;
    return count / ((finished - started) / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    var sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private void createTopics(String... names) throws Exception {
    var topics = new ArrayList<NewTopic>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
  }
}
