package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.telemetry.TelemetryConfig;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The outcomes topic end to end: a real broker (Kafka's in-process {@link KafkaClusterTestKit}),
 * the bridge, and a {@code ChurnMonitoringService} of the test's own on a real Netty server, which
 * records what it receives and answers as each test makes it: refusing chosen outcomes with field
 * violations (recording nothing of such a batch, as the server does), failing {@code UNAVAILABLE}
 * for a while, refusing batches above a size, or {@code FAILED_PRECONDITION} as a server with the
 * history off does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutcomesEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Instant OBSERVED = Instant.parse("2026-11-30T12:00:00Z");

  private KafkaClusterTestKit cluster;
  private Admin admin;
  private KafkaProducer<byte[], byte[]> producer;
  private Server server;
  private final FakeMonitoring monitoring = new FakeMonitoring();
  private final List<AutoCloseable> perTest = new ArrayList<>();

  /** The topics of one test; the request and response topics stay empty. */
  private record Topics(String outcomes, String deadLetters, String requests, String responses) {}

  /** The test's stand-in for the server's monitoring service. */
  private static final class FakeMonitoring extends ChurnMonitoringServiceGrpc.ChurnMonitoringServiceImplBase {
    /** Calls still to fail UNAVAILABLE before answering normally. */
    final AtomicInteger unavailableLeft = new AtomicInteger();
    /** When set, every call fails with this code (after the UNAVAILABLE ones). */
    volatile io.grpc.Status failEveryCall;
    /** Batches larger than this are refused as a whole, with a violation on {@code outcomes}. */
    volatile int maxBatch = 1_000;
    final AtomicInteger calls = new AtomicInteger();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final Set<String> interfaces = ConcurrentHashMap.newKeySet();
    /** Every outcome recorded, duplicates included, in arrival order. */
    final List<Outcome> recorded = new CopyOnWriteArrayList<>();
    private final Set<String> stored = ConcurrentHashMap.newKeySet();

    void reset() {
      unavailableLeft.set(0);
      failEveryCall = null;
      maxBatch = 1_000;
      calls.set(0);
      batchSizes.clear();
      interfaces.clear();
      recorded.clear();
      stored.clear();
    }

    @Override
    public void recordOutcomes(RecordOutcomesRequest request, StreamObserver<RecordOutcomesResponse> out) {
      calls.incrementAndGet();
      batchSizes.add(request.getOutcomesCount());
      if (unavailableLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        out.onError(io.grpc.Status.UNAVAILABLE.withDescription("store unreachable").asRuntimeException());
        return;
      }
      if (failEveryCall != null) {
        out.onError(failEveryCall.asRuntimeException());
        return;
      }
      var violations = BadRequest.newBuilder();
      if (request.getOutcomesCount() > maxBatch) {
        violations.addFieldViolationsBuilder().setField("outcomes").setDescription("at most " + maxBatch + " outcomes");
      }
      for (int i = 0; i < request.getOutcomesCount(); i++) {
        Outcome outcome = request.getOutcomes(i);
        if (outcome.getCustomerId().startsWith("bad-")) {
          violations.addFieldViolationsBuilder().setField("outcomes[" + i + "].customer_id")
              .setDescription("unknown customer id format");
        }
        if (!outcome.hasChurned()) {
          violations.addFieldViolationsBuilder().setField("outcomes[" + i + "].churned").setDescription("is required");
        }
      }
      if (violations.getFieldViolationsCount() > 0) {
        out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("invalid outcomes")
            .addDetails(Any.pack(violations.build())).build()));
        return;
      }
      long fresh = 0;
      for (Outcome outcome : request.getOutcomesList()) {
        recorded.add(outcome);
        if (stored.add(outcome.getCustomerId() + "@" + outcome.getObserveTime().getSeconds())) {
          fresh++;
        }
      }
      out.onNext(RecordOutcomesResponse.newBuilder().setRecordedCount(fresh)
          .setDuplicateCount(request.getOutcomesCount() - fresh).build());
      out.onCompleted();
    }

    Set<String> recordedCustomers() {
      return recorded.stream().map(Outcome::getCustomerId).collect(Collectors.toSet());
    }
  }

  @BeforeAll
  void startBrokerAndServer() throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "3")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("group.min.session.timeout.ms", "1000")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    Metadata.Key<String> interfaceHeader = Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor interfaces = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        String value = headers.get(interfaceHeader);
        monitoring.interfaces.add(value == null ? "(none)" : value);
        return next.startCall(call, headers);
      }
    };
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(ServerInterceptors.intercept(monitoring, interfaces)).build().start();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  void stopBrokerAndServer() throws Exception {
    producer.close();
    admin.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    cluster.close();
  }

  @BeforeEach
  void resetServer() {
    monitoring.reset();
  }

  @AfterEach
  void closePerTestResources() throws Exception {
    for (AutoCloseable resource : perTest.reversed()) {
      resource.close();
    }
    perTest.clear();
  }

  @Test
  void outcomes_areRecordedThroughUnavailableAnswers_refusedAndUndecodableOnesAreDeadLettered_andAllIsCommitted(
      TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    monitoring.unavailableLeft.set(3);
    var valid = new ArrayList<String>();
    for (int i = 0; i < 60; i++) {
      valid.add("cust-" + i);
      publish(topics.outcomes(), outcome("cust-" + i, i % 3 == 0));
    }
    RecordMetadata badId = publish(topics.outcomes(), outcome("bad-1", true));
    publish(topics.outcomes(), outcome("bad-2", false));
    RecordMetadata unsetChurn = publish(topics.outcomes(),
        Outcome.newBuilder().setCustomerId("cust-unset").setObserveTime(timestamp(OBSERVED)).build());
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13};
    RecordMetadata undecodable = producer.send(new ProducerRecord<>(topics.outcomes(), 1,
        "cust-x".getBytes(StandardCharsets.UTF_8), garbage)).get(30, TimeUnit.SECONDS);
    byte[] json = JsonFormat.printer().print(outcome("cust-json", true)).getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(topics.outcomes(), 2, null, "cust-json".getBytes(StandardCharsets.UTF_8), json,
        List.of(new RecordHeader(BridgeHeaders.CONTENT_TYPE, BridgeHeaders.JSON.getBytes(StandardCharsets.UTF_8)))))
        .get(30, TimeUnit.SECONDS);
    valid.add("cust-json");

    KafkaBridge bridge = bridge(config(topics, "outcomes-mixed").withOutcomes(topics.outcomes(), 25));

    var deadLetters = readUntil(topics.deadLetters(), records -> records.size() >= 4);
    Await.until(WAIT, () -> monitoring.recordedCustomers().containsAll(valid),
        () -> "recorded " + monitoring.recordedCustomers());
    awaitCommittedToTheEnd(bridge.config().outcomesGroupId(), topics.outcomes());

    assertTrue(monitoring.recordedCustomers().stream().noneMatch(id -> id.startsWith("bad-") || id.equals("cust-unset")),
        "a refused outcome is never recorded: " + monitoring.recordedCustomers());
    Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
    deadLetters.forEach(letter -> byKey.put(new String(letter.key(), StandardCharsets.UTF_8), letter));
    assertEquals(Set.of("bad-1", "bad-2", "cust-unset", "cust-x"), byKey.keySet());

    var refused = byKey.get("bad-1");
    assertEquals(BridgeHeaders.REASON_REJECTED, header(refused, BridgeHeaders.REASON));
    assertEquals("INVALID_ARGUMENT", header(refused, BridgeHeaders.ERROR_CODE));
    assertEquals("customer_id: unknown customer id format", header(refused, BridgeHeaders.ERROR_VIOLATIONS));
    assertEquals(topics.outcomes(), header(refused, BridgeHeaders.ORIGINAL_TOPIC));
    assertEquals(Integer.toString(badId.partition()), header(refused, BridgeHeaders.ORIGINAL_PARTITION));
    assertEquals(Long.toString(badId.offset()), header(refused, BridgeHeaders.ORIGINAL_OFFSET));
    assertEquals(outcome("bad-1", true), Outcome.parseFrom(refused.value()));
    assertEquals("churned: is required", header(byKey.get("cust-unset"), BridgeHeaders.ERROR_VIOLATIONS));
    assertEquals(Long.toString(unsetChurn.offset()), header(byKey.get("cust-unset"), BridgeHeaders.ORIGINAL_OFFSET));

    var poison = byKey.get("cust-x");
    assertEquals(BridgeHeaders.REASON_UNDECODABLE, header(poison, BridgeHeaders.REASON));
    assertEquals(BridgeHeaders.CODE_UNDECODABLE, header(poison, BridgeHeaders.ERROR_CODE));
    assertEquals(Long.toString(undecodable.offset()), header(poison, BridgeHeaders.ORIGINAL_OFFSET));
    assertArrayEquals(garbage, poison.value());

    assertTrue(monitoring.batchSizes.stream().allMatch(size -> size <= 25), "batches " + monitoring.batchSizes);
    assertEquals(Set.of("kafka"), monitoring.interfaces);
    BridgeStats stats = bridge.stats();
    assertEquals(valid.size(), stats.outcomesRecorded(), stats.toString());
    assertEquals(0, stats.outcomesDuplicate(), stats.toString());
    assertEquals(4, stats.outcomesDeadLettered(), stats.toString());
    assertTrue(stats.halted().isEmpty(), stats.toString());
    MetricsScrape metrics = MetricsScrape.of(bridge.metricsPort());
    assertEquals(valid.size(), metrics.value("churnwire_bridge_outcomes_total", "result", "recorded").orElseThrow());
    assertEquals(0, metrics.value("churnwire_bridge_outcomes_total", "result", "duplicate").orElseThrow());
    assertEquals(3, metrics.value("churnwire_bridge_outcomes_dead_lettered_total", "reason", "REJECTED").orElseThrow());
    assertEquals(1, metrics.value("churnwire_bridge_outcomes_dead_lettered_total", "reason", "UNDECODABLE")
        .orElseThrow());
    assertEquals(3, metrics.value("churnwire_bridge_retries_total", "kind", "outcomes").orElseThrow());
  }

  @Test
  void serverUnavailable_commitsNothing_andARestartedBridgeRecordsEveryOutcome(TestInfo test) throws Exception {
    Topics topics = topics(test, 2);
    monitoring.unavailableLeft.set(Integer.MAX_VALUE);
    var sent = new ArrayList<String>();
    for (int i = 0; i < 20; i++) {
      sent.add("cust-" + i);
      publish(topics.outcomes(), outcome("cust-" + i, i % 2 == 0));
    }
    BridgeConfig config = config(topics, "outcomes-outage").withDrainTimeout(Duration.ofMillis(500));

    KafkaBridge first = KafkaBridge.start(config);
    try {
      Await.until(WAIT, () -> monitoring.calls.get() >= 3, () -> monitoring.calls.get() + " calls");
      assertEquals(0, committedSum(config.outcomesGroupId(), topics.outcomes()), "nothing committed while unavailable");
    } finally {
      first.close();
    }
    assertEquals(0, committedSum(config.outcomesGroupId(), topics.outcomes()), "nor on the way out");
    assertTrue(monitoring.recorded.isEmpty());

    monitoring.unavailableLeft.set(0);
    KafkaBridge second = bridge(config);

    Await.until(WAIT, () -> monitoring.recordedCustomers().containsAll(sent),
        () -> "recorded " + monitoring.recordedCustomers());
    awaitCommittedToTheEnd(config.outcomesGroupId(), topics.outcomes());
    assertEquals(0, second.stats().outcomesDeadLettered());
    assertTrue(readAll(topics.deadLetters()).isEmpty(), "an outage dead-letters nothing");
  }

  @Test
  void batchLargerThanTheServerTakes_isSentAgainInSmallerBatches_andNothingIsDeadLettered(TestInfo test)
      throws Exception {
    Topics topics = topics(test, 1);
    monitoring.maxBatch = 8;
    var sent = new ArrayList<String>();
    for (int i = 0; i < 30; i++) {
      sent.add("cust-" + i);
      publish(topics.outcomes(), outcome("cust-" + i, true));
    }

    KafkaBridge bridge = bridge(config(topics, "outcomes-split").withOutcomes(topics.outcomes(), 50));

    Await.until(WAIT, () -> monitoring.recordedCustomers().containsAll(sent),
        () -> "recorded " + monitoring.recordedCustomers());
    awaitCommittedToTheEnd(bridge.config().outcomesGroupId(), topics.outcomes());
    assertEquals(30, monitoring.recorded.size(), "each outcome recorded once: " + monitoring.batchSizes);
    assertEquals(0, bridge.stats().outcomesDeadLettered());
  }

  @Test
  void serverWithTheHistoryOff_pausesTheOutcomes_withoutCommittingOrDeadLettering(TestInfo test) throws Exception {
    Topics topics = topics(test, 2);
    monitoring.failEveryCall = io.grpc.Status.FAILED_PRECONDITION.withDescription("the prediction history is off");
    publish(topics.outcomes(), outcome("cust-1", true));
    publish(topics.outcomes(), outcome("cust-2", false));

    KafkaBridge bridge = bridge(config(topics, "outcomes-off"));

    Await.until(WAIT, () -> !bridge.stats().halted().isEmpty(), () -> bridge.stats().toString());
    int calls = monitoring.calls.get();
    assertTrue(bridge.stats().halted().values().stream().allMatch(why -> why.contains("FAILED_PRECONDITION")),
        bridge.stats().toString());
    assertFalse(bridge.awaitTermination(Duration.ofSeconds(1)), "on-undeliverable=pause keeps the bridge running");
    assertTrue(bridge.failure().isEmpty());
    assertEquals(calls, monitoring.calls.get(), "given up: no more calls");
    assertEquals(0, committedSum(bridge.config().outcomesGroupId(), topics.outcomes()));
    assertTrue(readAll(topics.deadLetters()).isEmpty(), "valid outcomes are never dead-lettered for the server's state");
    assertEquals(1, MetricsScrape.of(bridge.metricsPort()).value("churnwire_bridge_halted").orElseThrow());
  }

  @Test
  void serverRefusingTheBridge_withOnUndeliverableExit_stopsTheBridgeWithTheError(TestInfo test) throws Exception {
    Topics topics = topics(test, 1);
    monitoring.failEveryCall = io.grpc.Status.PERMISSION_DENIED.withDescription("role outcomes required");
    publish(topics.outcomes(), outcome("cust-1", true));

    KafkaBridge bridge = bridge(config(topics, "outcomes-exit").withOnUndeliverable(UndeliverablePolicy.EXIT));

    assertTrue(bridge.awaitTermination(WAIT), "the bridge stops by itself");
    assertTrue(bridge.failure().orElseThrow().toString().contains("PERMISSION_DENIED"), bridge.failure().toString());
    assertEquals(0, committedSum(bridge.config().outcomesGroupId(), topics.outcomes()));
  }

  @Test
  void outcomesCommand_publishesACsv_whichTheBridgeRecords(TestInfo test, @TempDir Path dir) throws Exception {
    Topics topics = topics(test, 2);
    Path csv = Files.writeString(dir.resolve("outcomes.csv"), "customer_id,churned,observe_time\n"
        + "7590-VHVEG,true,2026-11-30T12:00:00Z\n5575-GNVDE,false,2026-11-29T08:30:00Z\n");

    int status = new CommandLine(new BridgeMain()).execute("outcomes", "--bootstrap-servers",
        cluster.bootstrapServers(), "--outcomes-topic", topics.outcomes(), "--csv", csv.toString());
    KafkaBridge bridge = bridge(config(topics, "outcomes-command"));

    assertEquals(0, status);
    Await.until(WAIT, () -> monitoring.recordedCustomers().equals(Set.of("7590-VHVEG", "5575-GNVDE")),
        () -> "recorded " + monitoring.recordedCustomers());
    awaitCommittedToTheEnd(bridge.config().outcomesGroupId(), topics.outcomes());
    assertEquals(outcome("7590-VHVEG", true), monitoring.recorded.stream()
        .filter(outcome -> outcome.getCustomerId().equals("7590-VHVEG")).findFirst().orElseThrow());
  }

  private Topics topics(TestInfo test, int partitions) throws Exception {
    String base = test.getTestMethod().orElseThrow().getName();
    var topics = new Topics(base + ".outcomes", base + ".dlq", base + ".requests", base + ".predictions");
    admin.createTopics(List.of(
        new NewTopic(topics.outcomes(), partitions, (short) 1),
        new NewTopic(topics.deadLetters(), 1, (short) 1),
        new NewTopic(topics.requests(), 1, (short) 1),
        new NewTopic(topics.responses(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    var latest = new HashMap<TopicPartition, OffsetSpec>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topics.outcomes(), p), OffsetSpec.latest());
    }
    latest.put(new TopicPartition(topics.deadLetters(), 0), OffsetSpec.latest());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
        return topics;
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private BridgeConfig config(Topics topics, String group) {
    return BridgeConfig.defaults()
        .withEndpoints(cluster.bootstrapServers(), "127.0.0.1:" + server.getPort())
        .withTopics(topics.requests(), topics.responses(), topics.deadLetters())
        .withOutcomes(topics.outcomes(), 500)
        .withGroup(group, group)
        .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .withTelemetry(TelemetryConfig.defaults().withMetricsHost("127.0.0.1").withMetricsPort(0));
  }

  private KafkaBridge bridge(BridgeConfig config) {
    KafkaBridge bridge = KafkaBridge.start(config);
    perTest.add(bridge);
    return bridge;
  }

  private static Outcome outcome(String customerId, boolean churned) {
    return Outcome.newBuilder().setCustomerId(customerId).setChurned(churned).setObserveTime(timestamp(OBSERVED))
        .build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private RecordMetadata publish(String topic, Outcome outcome) throws Exception {
    return producer.send(new ProducerRecord<>(topic, outcome.getCustomerId().getBytes(StandardCharsets.UTF_8),
        outcome.toByteArray())).get(30, TimeUnit.SECONDS);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return RecordCodec.lastHeader(record.headers(), name);
  }

  private long committedSum(String groupId, String topic) throws Exception {
    var offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    return offsets.entrySet().stream().filter(entry -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
        .mapToLong(entry -> entry.getValue().offset()).sum();
  }

  private void awaitCommittedToTheEnd(String groupId, String topic) {
    long end = endOffsetSum(topic);
    Await.until(WAIT, () -> {
      try {
        return committedSum(groupId, topic) == end;
      } catch (Exception e) {
        return false;
      }
    }, () -> "committed offsets of " + groupId + " never reached the end of " + topic + " (" + end + ")");
  }

  private long endOffsetSum(String topic) {
    try (var consumer = rawConsumer()) {
      var partitions = partitions(consumer, topic);
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    long end = endOffsetSum(topic);
    return readUntil(topic, records -> records.size() >= end);
  }

  private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    var records = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    try (var consumer = rawConsumer()) {
      var partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return done.test(records);
      }, () -> "only " + records.size() + " records on " + topic);
    }
    records.sort(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
        .thenComparingLong(ConsumerRecord::offset));
    return records;
  }

  private KafkaConsumer<byte[], byte[]> rawConsumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
  }
}
