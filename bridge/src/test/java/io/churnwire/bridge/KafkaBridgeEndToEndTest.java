package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.churnwire.bridge.internal.Encoding;
import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.telemetry.TelemetryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.Contract;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real broker (Kafka's in-process {@link KafkaClusterTestKit}) and the real
 * Churnwire server on Netty. One broker and one server serve the whole class; each test has its
 * own topics and consumer group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaBridgeEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path workDir;

  private KafkaClusterTestKit cluster;
  private ServerApplication server;
  private Admin admin;
  private KafkaProducer<byte[], byte[]> producer;
  private final List<AutoCloseable> perTest = new ArrayList<>();

  /** The three topics of one test. */
  private record Topics(String requests, String responses, String deadLetters) {}

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
    server = ServerApplication.start(ServerConfig.defaults().withHistory(HistoryConfig.off())
        .withHost("127.0.0.1").withPort(0).withModelDir(io.churnwire.testsupport.DemoRegistry.shared()));
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
    server.close();
    cluster.close();
  }

  @AfterEach
  void closePerTestResources() throws Exception {
    for (AutoCloseable resource : perTest.reversed()) {
      resource.close();
    }
    perTest.clear();
  }

  @Test
  void protobufRequest_isAnsweredInProtobuf_withSameKeyAndCorrelationHeader(TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    bridge(config(topics, "rt-proto"));

    send(topics.requests(), "cust-1", customer("cust-1", "req-1").toByteArray(), Encoding.PROTOBUF, "corr-1");

    ConsumerRecord<byte[], byte[]> answer = readUntil(topics.responses(), r -> r.size() >= 1).getFirst();
    PredictResponse response = PredictResponse.parseFrom(answer.value());
    assertEquals("cust-1", new String(answer.key(), StandardCharsets.UTF_8));
    assertEquals("corr-1", header(answer, BridgeHeaders.CORRELATION_ID));
    assertEquals(BridgeHeaders.PROTOBUF, header(answer, BridgeHeaders.CONTENT_TYPE));
    assertEquals("req-1", response.getRequestId());
    assertEquals("cust-1", response.getCustomerId());
    double probability = response.getPrediction().getChurnProbability();
    assertTrue(probability >= 0 && probability <= 1, "probability " + probability);
    assertFalse(response.getPrediction().getModelVersion().isEmpty());
  }

  @Test
  void outcomesOnAServerWithTheHistoryOff_areGivenUpUncommitted_whilePredictionsKeepFlowing(TestInfo test)
      throws Exception {
    Topics topics = topics(test, 1);
    String outcomes = topics.requests() + ".outcomes";
    admin.createTopics(List.of(new NewTopic(outcomes, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    awaitLeaders(Map.of(outcomes, 1));
    KafkaBridge bridge = bridge(config(topics, "outcomes-history-off").withOutcomes(outcomes, 500));
    var outcome = Outcome.newBuilder().setCustomerId("cust-o").setChurned(true)
        .setObserveTime(Timestamp.newBuilder().setSeconds(1_796_040_000L)).build();

    producer.send(new ProducerRecord<>(outcomes, "cust-o".getBytes(StandardCharsets.UTF_8), outcome.toByteArray()))
        .get(30, TimeUnit.SECONDS);
    Await.until(WAIT, () -> !bridge.stats().halted().isEmpty(), () -> bridge.stats().toString());
    send(topics.requests(), "cust-o", customer("cust-o", "req-o").toByteArray(), Encoding.PROTOBUF, null);

    assertEquals(List.of("req-o"), correlationIds(readUntil(topics.responses(), r -> r.size() >= 1)));
    assertTrue(bridge.stats().halted().get(new TopicPartition(outcomes, 0)).contains("FAILED_PRECONDITION"),
        bridge.stats().toString());
    assertEquals(-1, committedOffset(bridge.config().outcomesGroupId(), new TopicPartition(outcomes, 0)));
    assertEquals(0, endOffsetSum(topics.deadLetters()), "valid outcomes are not dead-lettered");
  }

  @Test
  void jsonRequest_isAnsweredInJson(TestInfo test) throws Exception {
    Topics topics = topics(test, 1);
    bridge(config(topics, "rt-json"));
    byte[] json = JsonFormat.printer().print(customer("cust-j", "req-j")).getBytes(StandardCharsets.UTF_8);

    send(topics.requests(), "cust-j", json, Encoding.JSON, null);

    ConsumerRecord<byte[], byte[]> answer = readUntil(topics.responses(), r -> r.size() >= 1).getFirst();
    assertEquals(BridgeHeaders.JSON, header(answer, BridgeHeaders.CONTENT_TYPE));
    assertEquals("req-j", header(answer, BridgeHeaders.CORRELATION_ID), "request_id stands in for a missing header");
    String body = new String(answer.value(), StandardCharsets.UTF_8);
    assertTrue(body.startsWith("{"), body);
    var response = PredictResponse.newBuilder();
    JsonFormat.parser().merge(body, response);
    assertEquals("cust-j", response.getCustomerId());
    assertEquals("req-j", response.getRequestId());
  }

  @Test
  void poisonAndInvalidRecords_goToDeadLetterTopicWithErrorAndOrigin_andNextRecordIsStillAnswered(TestInfo test)
      throws Exception {
    Topics topics = topics(test, 1);
    bridge(config(topics, "poison"));
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13};
    byte[] invalid = customer("cust-p", "req-invalid").toBuilder()
        .setContract(Contract.CONTRACT_UNSPECIFIED).build().toByteArray();

    send(topics.requests(), "cust-p", customer("cust-p", "req-before").toByteArray(), Encoding.PROTOBUF, null);
    RecordMetadata poison = send(topics.requests(), "cust-p", garbage, Encoding.PROTOBUF, "corr-poison");
    RecordMetadata refused = send(topics.requests(), "cust-p", invalid, Encoding.PROTOBUF, null);
    send(topics.requests(), "cust-p", customer("cust-p", "req-after").toByteArray(), Encoding.PROTOBUF, null);

    var answers = readUntil(topics.responses(), r -> r.size() >= 2);
    var deadLetters = readUntil(topics.deadLetters(), r -> r.size() >= 2);
    assertEquals(List.of("req-before", "req-after"), correlationIds(answers));

    var undecodable = deadLetters.get(0);
    assertEquals(BridgeHeaders.CODE_UNDECODABLE, header(undecodable, BridgeHeaders.ERROR_CODE));
    assertEquals(topics.requests(), header(undecodable, BridgeHeaders.ORIGINAL_TOPIC));
    assertEquals("0", header(undecodable, BridgeHeaders.ORIGINAL_PARTITION));
    assertEquals(Long.toString(poison.offset()), header(undecodable, BridgeHeaders.ORIGINAL_OFFSET));
    assertEquals("corr-poison", header(undecodable, BridgeHeaders.CORRELATION_ID));
    assertArrayEquals(garbage, undecodable.value());
    assertArrayEquals("cust-p".getBytes(StandardCharsets.UTF_8), undecodable.key());

    var invalidLetter = deadLetters.get(1);
    assertEquals("INVALID_ARGUMENT", header(invalidLetter, BridgeHeaders.ERROR_CODE));
    assertTrue(header(invalidLetter, BridgeHeaders.ERROR_VIOLATIONS).contains("contract"),
        header(invalidLetter, BridgeHeaders.ERROR_VIOLATIONS));
    assertEquals(Long.toString(refused.offset()), header(invalidLetter, BridgeHeaders.ORIGINAL_OFFSET));
    assertArrayEquals(invalid, invalidLetter.value());
  }

  @Test
  void requestTooLargeForTheDeadLetterTopic_isDeadLetteredTruncated_committed_andTheBridgeKeepsAnswering(
      TestInfo test) throws Exception {
    int topicLimit = 16_384;
    Topics topics = topics(test, 1, Map.of("max.message.bytes", Integer.toString(topicLimit)));
    var config = config(topics, "oversize").withProduceBound(5, 65_536);
    KafkaBridge bridge = bridge(config);
    byte[] huge = new byte[1_000_000];
    new Random(7).nextBytes(huge);

    RecordMetadata big = send(topics.requests(), "cust-big", huge, Encoding.PROTOBUF, "corr-big");
    send(topics.requests(), "cust-big", customer("cust-big", "req-after").toByteArray(), Encoding.PROTOBUF, null);

    var letter = readUntil(topics.deadLetters(), r -> r.size() >= 1).getFirst();
    var answers = readUntil(topics.responses(), r -> r.size() >= 1);
    assertEquals("true", header(letter, BridgeHeaders.TRUNCATED));
    assertEquals("1000000", header(letter, BridgeHeaders.ORIGINAL_SIZE));
    assertEquals(BridgeHeaders.CODE_UNDECODABLE, header(letter, BridgeHeaders.ERROR_CODE));
    assertEquals("corr-big", header(letter, BridgeHeaders.CORRELATION_ID));
    assertEquals(Long.toString(big.offset()), header(letter, BridgeHeaders.ORIGINAL_OFFSET));
    assertTrue(letter.value() != null && letter.value().length > 0 && letter.value().length < topicLimit,
        "the value is cut to fit, not dropped: " + (letter.value() == null ? null : letter.value().length));
    assertArrayEquals(Arrays.copyOf(huge, letter.value().length), letter.value());
    assertEquals(List.of("req-after"), correlationIds(answers));
    var partition = new TopicPartition(topics.requests(), 0);
    Await.until(WAIT, () -> committedOffset(config.groupId(), partition) == 2,
        () -> "committed " + committedOffset(config.groupId(), partition) + ", stats " + bridge.stats());
    assertTrue(bridge.failure().isEmpty(), "the bridge is alive: " + bridge.failure());
    assertTrue(bridge.stats().halted().isEmpty(), bridge.stats().toString());
    assertEquals(1, bridge.stats().truncated());
  }

  @Test
  void answersForOneKey_leaveInRequestOrder(TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    bridge(config(topics, "order"));
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "ord-" + i).toList();

    for (String id : ids) {
      producer.send(request(topics.requests(), "same-key", customer("same-key", id).toByteArray(), Encoding.PROTOBUF, null));
    }
    producer.flush();

    var answers = readUntil(topics.responses(), r -> r.size() >= ids.size());
    assertEquals(ids, correlationIds(answers));
  }

  @Test
  void saturatedScoring_pausesPartitions_andNeverHoldsMoreThanMaxInFlight(TestInfo test) throws Exception {
    Topics topics = topics(test, 2);
    int requests = 1_000;
    sendMany(topics.requests(), "sat-", requests, 2);
    var config = config(topics, "saturation").withInFlight(8, 8);

    KafkaBridge bridge = bridge(config);

    var answers = readUntil(topics.responses(), r -> r.size() >= requests);
    BridgeStats stats = bridge.stats();
    assertEquals(requests, Set.copyOf(correlationIds(answers)).size());
    assertTrue(stats.pauses() > 0, "partitions were never paused: " + stats);
    assertTrue(stats.maxInFlightSeen() <= 8, "in-flight grew past its bound: " + stats);
  }

  @Test
  void twoInstancesInOneGroup_bothOwnPartitions_andEveryRequestIsAnswered(TestInfo test) throws Exception {
    Topics topics = topics(test, 4);
    var config = config(topics, "scale-out");
    KafkaBridge first = bridge(config);
    Await.until(WAIT, () -> first.stats().assignment().size() == 4, () -> "first instance owns " + first.stats());
    KafkaBridge second = bridge(config);
    Await.until(WAIT, () -> !first.stats().assignment().isEmpty() && !second.stats().assignment().isEmpty()
            && first.stats().assignment().size() + second.stats().assignment().size() == 4,
        () -> "assignments " + first.stats().assignment() + " / " + second.stats().assignment());

    List<String> ids = sendMany(topics.requests(), "scale-", 400, 4);

    var answers = readUntil(topics.responses(), r -> Set.copyOf(correlationIds(r)).containsAll(ids));
    assertTrue(Set.copyOf(correlationIds(answers)).containsAll(ids));
    var owned = new HashSet<>(first.stats().assignment());
    owned.retainAll(second.stats().assignment());
    assertTrue(owned.isEmpty(), "a partition is owned twice: " + owned);
    assertTrue(first.stats().answered() > 0, "first answered nothing: " + first.stats());
    assertTrue(second.stats().answered() > 0, "second answered nothing: " + second.stats());
  }

  @Test
  void scoringServerRestartedMidRun_everyRequestIsAnswered_andNoneIsDeadLettered(TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    ServerConfig serverConfig = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0)
        .withModelDir(io.churnwire.testsupport.DemoRegistry.shared());
    ServerApplication first = ServerApplication.start(serverConfig);
    int port = first.port();
    KafkaBridge bridge = bridge(config(topics, "server-restart")
        .withEndpoints(cluster.bootstrapServers(), "127.0.0.1:" + port));
    List<String> ids = new ArrayList<>(sendMany(topics.requests(), "before-", 1_000, 3));
    Await.until(WAIT, () -> bridge.stats().answered() >= 100, () -> "first server answered little: " + bridge.stats());

    first.close();
    try (ServerApplication second = ServerApplication.start(serverConfig.withPort(port))) {
      ids.addAll(sendMany(topics.requests(), "after-", 1_000, 3));

      var answers = readUntil(topics.responses(), r -> Set.copyOf(correlationIds(r)).containsAll(ids));
      assertTrue(Set.copyOf(correlationIds(answers)).containsAll(ids));
      assertEquals(0, endOffsetSum(topics.deadLetters()), "a transient server outage must never dead-letter");
      assertEquals(0, bridge.stats().deadLettered());
    }
  }

  @Test
  void bridgeKilledMidRun_thenRestarted_answersEveryRequestAtLeastOnce(TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    List<String> ids = sendMany(topics.requests(), "kill-", 2_000, 3);
    var config = config(topics, "kill").withSessionTimeout(Duration.ofSeconds(2));
    Process victim = bridgeProcess(config, "killed", "--commit-interval-ms", "3600000");
    Await.until(WAIT, () -> endOffsetSum(topics.responses()) >= 200, () -> "the first instance answered too little");

    victim.destroyForcibly();
    assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "killed bridge did not exit");
    Set<String> answeredBeforeKill = Set.copyOf(correlationIds(readAll(topics.responses())));
    bridge(config);

    var answers = readUntil(topics.responses(), r -> Set.copyOf(correlationIds(r)).containsAll(ids));
    Map<String, Long> answerCounts = correlationIds(answers).stream()
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    assertTrue(answerCounts.keySet().containsAll(ids), "some request was never answered");
    assertFalse(answeredBeforeKill.isEmpty());
    for (String id : answeredBeforeKill) {
      assertTrue(answerCounts.get(id) >= 2, id + " was answered but never committed, so it must be answered again");
    }
  }

  @Test
  void sigterm_finishesInFlightRecords_andCommitsExactlyWhatWasAnswered(TestInfo test) throws Exception {
    Topics topics = topics(test, 3);
    Map<String, RecordMetadata> sent = new HashMap<>();
    List<String> ids = sendMany(topics.requests(), "term-", 1_500, 3, sent);
    var config = config(topics, "sigterm");
    Process bridge = bridgeProcess(config, "terminated");
    Await.until(WAIT, () -> endOffsetSum(topics.responses()) >= 100, () -> "the bridge answered too little");

    bridge.destroy();
    assertTrue(bridge.waitFor(60, TimeUnit.SECONDS), "bridge did not stop after SIGTERM");

    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(config.groupId()).partitionsToOffsetAndMetadata().get();
    Set<String> answered = Set.copyOf(correlationIds(readAll(topics.responses())));
    for (String id : ids) {
      RecordMetadata where = sent.get(id);
      var offset = committed.get(new TopicPartition(where.topic(), where.partition()));
      long committedOffset = offset == null ? 0 : offset.offset();
      assertEquals(where.offset() < committedOffset, answered.contains(id),
          id + " at " + where + ": committed " + committedOffset + " must cover exactly the answered requests");
    }
    assertTrue(Files.readString(logOf("terminated")).contains("Bridge stopped"), "no graceful-stop log line");
  }

  @Test
  void metricsPort_afterARun_showsLagAnswersDeadLettersByReasonAndEndToEndTimes(TestInfo test) throws Exception {
    Topics topics = topics(test, 2);
    KafkaBridge bridge = bridge(config(topics, "metrics"));
    sendMany(topics.requests(), "met-", 20, 2);
    send(topics.requests(), "cust-bad", new byte[] {(byte) 0xff, 0x01}, Encoding.PROTOBUF, null);
    readUntil(topics.responses(), r -> r.size() >= 20);
    readUntil(topics.deadLetters(), r -> r.size() >= 1);

    String lag = "churnwire_bridge_consumer_lag";
    Await.until(WAIT, () -> {
      MetricsScrape metrics = MetricsScrape.of(bridge.metricsPort());
      return metrics.value("churnwire_bridge_end_to_end_duration_seconds_count").orElse(0) == 21
          && metrics.value("churnwire_bridge_records_in_flight").orElse(-1) == 0
          && metrics.value(lag, "topic", topics.requests(), "partition", "0").orElse(-1) == 0
          && metrics.value(lag, "topic", topics.requests(), "partition", "1").orElse(-1) == 0;
    }, () -> "metrics after 21 records:\n" + MetricsScrape.of(bridge.metricsPort()).text());

    MetricsScrape metrics = MetricsScrape.of(bridge.metricsPort());
    assertEquals(20, metrics.value("churnwire_bridge_answered_total", "status", "OK").orElseThrow());
    assertEquals(1, metrics.value("churnwire_bridge_answered_total", "status", "UNDECODABLE").orElseThrow());
    assertEquals(1, metrics.value("churnwire_bridge_dead_lettered_total", "reason", "UNDECODABLE").orElseThrow());
    assertEquals(21, metrics.value("churnwire_bridge_end_to_end_duration_seconds_bucket", "le", "60.0").orElseThrow());
    assertTrue(metrics.value("churnwire_bridge_end_to_end_duration_seconds_sum").orElseThrow() > 0);
    assertEquals(0, metrics.value("churnwire_bridge_retries_total", "kind", "item").orElseThrow());
    assertEquals(0, metrics.value("churnwire_bridge_retries_total", "kind", "produce").orElseThrow());
    assertEquals(0, metrics.value("churnwire_bridge_answers_truncated_total").orElseThrow());
    assertEquals(0, metrics.value("churnwire_bridge_partitions_paused").orElseThrow());
    assertEquals(0, metrics.value("churnwire_bridge_halted").orElseThrow());
    assertTrue(metrics.has("jvm_memory_used_bytes"), "JVM metrics beside the bridge's");
    assertEquals(20, bridge.stats().answered());
  }

  @Test
  void requestIdAndTraceContextHeaders_reachTheServer_andComeBackOnTheAnswerAndTheDeadLetter(TestInfo test)
      throws Exception {
    Topics topics = topics(test, 1);
    bridge(config(topics, "trace-headers"));
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String tracestate = "congo=t61rcWkgMzE";

    producer.send(request(topics.requests(), "cust-h", customer("cust-h", "req-in-value").toByteArray(), Map.of(
        BridgeHeaders.REQUEST_ID, "req-from-header", BridgeHeaders.TRACEPARENT, traceparent,
        BridgeHeaders.TRACESTATE, tracestate))).get(30, TimeUnit.SECONDS);
    producer.send(request(topics.requests(), "cust-h", new byte[] {(byte) 0xff}, Map.of(
        BridgeHeaders.REQUEST_ID, "req-poison", BridgeHeaders.TRACEPARENT, traceparent))).get(30, TimeUnit.SECONDS);

    var answer = readUntil(topics.responses(), r -> r.size() >= 1).getFirst();
    var letter = readUntil(topics.deadLetters(), r -> r.size() >= 1).getFirst();
    assertEquals("req-from-header", PredictResponse.parseFrom(answer.value()).getRequestId(),
        "the server scored the request under the header's id");
    assertEquals("req-from-header", header(answer, BridgeHeaders.REQUEST_ID));
    assertEquals(traceparent, header(answer, BridgeHeaders.TRACEPARENT), "without trace export it passes unchanged");
    assertEquals(tracestate, header(answer, BridgeHeaders.TRACESTATE));
    assertEquals("req-in-value", header(answer, BridgeHeaders.CORRELATION_ID));
    assertEquals(List.of("req-poison"), headers(letter, BridgeHeaders.REQUEST_ID), "one id, not the request's and ours");
    assertEquals(List.of(traceparent), headers(letter, BridgeHeaders.TRACEPARENT));
  }

  @Test
  void requestsWithoutARequestIdHeader_carryTheirOwnRequestId_orOneAssignedToThem(TestInfo test) throws Exception {
    Topics topics = topics(test, 1);
    bridge(config(topics, "assigned-ids"));

    send(topics.requests(), "cust-a", customer("cust-a", "req-own").toByteArray(), Encoding.PROTOBUF, null);
    send(topics.requests(), "cust-a", customer("cust-a", "").toByteArray(), Encoding.PROTOBUF, null);

    var answers = readUntil(topics.responses(), r -> r.size() >= 2);
    assertEquals("req-own", header(answers.get(0), BridgeHeaders.REQUEST_ID));
    String assigned = header(answers.get(1), BridgeHeaders.REQUEST_ID);
    assertEquals(assigned, java.util.UUID.fromString(assigned).toString(), "an assigned id is a UUID");
    assertEquals(assigned, PredictResponse.parseFrom(answers.get(1).value()).getRequestId());
    assertEquals(null, header(answers.get(1), BridgeHeaders.TRACEPARENT), "no trace to carry on");
  }

  @Test
  void withTracesExported_eachRecordIsASpanOfTheRequestsTrace_andItsAnswerCarriesThatSpan(TestInfo test)
      throws Exception {
    Topics topics = topics(test, 1);
    var exported = new java.io.ByteArrayOutputStream();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      synchronized (exported) {
        exported.write(body);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    perTest.add(() -> collector.stop(0));
    var config = config(topics, "trace-spans").withTelemetry(TelemetryConfig.off()
        .withOtlpEndpoint(URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces")));
    KafkaBridge bridge = bridge(config);
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String requestSpanId = "00f067aa0ba902b7";

    producer.send(request(topics.requests(), "cust-t", customer("cust-t", "req-traced").toByteArray(), Map.of(
        BridgeHeaders.TRACEPARENT, "00-" + traceId + "-" + requestSpanId + "-01"))).get(30, TimeUnit.SECONDS);

    var answer = readUntil(topics.responses(), r -> r.size() >= 1).getFirst();
    String[] answerContext = header(answer, BridgeHeaders.TRACEPARENT).split("-");
    assertEquals(traceId, answerContext[1], "the answer belongs to the request's trace");
    assertFalse(answerContext[2].equals(requestSpanId), "the answer names the bridge's span, not the producer's");
    assertEquals("01", answerContext[3]);
    bridge.close();
    byte[] spans;
    synchronized (exported) {
      spans = exported.toByteArray();
    }
    assertTrue(contains(spans, HexFormat.of().parseHex(answerContext[2])), "the bridge's span was exported");
    assertTrue(contains(spans, HexFormat.of().parseHex(requestSpanId)), "as a child of the request's span");
    assertTrue(contains(spans, (topics.requests() + " process").getBytes(StandardCharsets.UTF_8)));
  }

  private Topics topics(TestInfo test, int partitions) throws Exception {
    return topics(test, partitions, Map.of());
  }

  /** The test's topics; the dead-letter topic gets {@code deadLetterConfigs} (e.g. a small {@code max.message.bytes}). */
  private Topics topics(TestInfo test, int partitions, Map<String, String> deadLetterConfigs) throws Exception {
    String base = test.getTestMethod().orElseThrow().getName();
    var topics = new Topics(base + ".requests", base + ".predictions", base + ".dlq");
    admin.createTopics(List.of(
        new NewTopic(topics.requests(), partitions, (short) 1),
        new NewTopic(topics.responses(), partitions, (short) 1),
        new NewTopic(topics.deadLetters(), 1, (short) 1).configs(deadLetterConfigs))).all().get(30, TimeUnit.SECONDS);
    awaitLeaders(Map.of(topics.requests(), partitions, topics.responses(), partitions, topics.deadLetters(), 1));
    return topics;
  }

  /**
   * Waits until every partition's leader serves requests. Producing into a partition whose
   * leadership is still settling can wedge an idempotent producer (OUT_OF_ORDER_SEQUENCE_NUMBER
   * retried until the delivery timeout), so tests start only once ListOffsets succeeds everywhere.
   * Right after creation a topic may still be unknown to the broker answering, so that is retried.
   */
  private void awaitLeaders(Map<String, Integer> partitionsByTopic) throws Exception {
    var latest = new HashMap<TopicPartition, OffsetSpec>();
    partitionsByTopic.forEach((topic, count) -> {
      for (int p = 0; p < count; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        boolean settling = e.getCause() instanceof org.apache.kafka.common.errors.RetriableException;
        if (!settling || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private BridgeConfig config(Topics topics, String group) {
    return BridgeConfig.defaults()
        .withEndpoints(cluster.bootstrapServers(), "127.0.0.1:" + server.port())
        .withTopics(topics.requests(), topics.responses(), topics.deadLetters())
        .withGroup(group, group)
        .withCommitInterval(Duration.ofMillis(200))
        .withTelemetry(TelemetryConfig.defaults().withMetricsHost("127.0.0.1").withMetricsPort(0));
  }

  private KafkaBridge bridge(BridgeConfig config) {
    KafkaBridge bridge = KafkaBridge.start(config);
    perTest.add(bridge);
    return bridge;
  }

  private Path logOf(String name) {
    return workDir.resolve(name + ".log");
  }

  /** Starts {@code churnwire-bridge run} in its own JVM, so it can be killed like a real process. */
  private Process bridgeProcess(BridgeConfig config, String name, String... extraFlags) throws IOException {
    var command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        BridgeMain.class.getName(), "run",
        "--bootstrap-servers", config.bootstrapServers(),
        "--server-target", config.serverTarget(),
        "--group-id", config.groupId(),
        "--client-id", name,
        "--request-topic", config.requestTopic(),
        "--response-topic", config.responseTopic(),
        "--dlq-topic", config.deadLetterTopic(),
        "--session-timeout-ms", Long.toString(config.sessionTimeout().toMillis()),
        "--metrics-port", "0"));
    command.addAll(List.of(extraFlags));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logOf(name).toFile()).start();
    perTest.add(() -> {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    });
    return process;
  }

  private static PredictRequest customer(String customerId, String requestId) {
    return Customers.risky().toBuilder().setCustomerId(customerId).setRequestId(requestId).build();
  }

  private static ProducerRecord<byte[], byte[]> request(String topic, String key, byte[] value, Encoding encoding,
      String correlationId) {
    List<Header> headers = new ArrayList<>();
    if (encoding == Encoding.JSON) {
      headers.add(new RecordHeader(BridgeHeaders.CONTENT_TYPE, BridgeHeaders.JSON.getBytes(StandardCharsets.UTF_8)));
    }
    if (correlationId != null) {
      headers.add(new RecordHeader(BridgeHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8)));
    }
    return new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers);
  }

  private static ProducerRecord<byte[], byte[]> request(String topic, String key, byte[] value,
      Map<String, String> headers) {
    List<Header> recordHeaders = new ArrayList<>();
    headers.forEach((name, text) -> recordHeaders.add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
    return new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, recordHeaders);
  }

  private static List<String> headers(ConsumerRecord<byte[], byte[]> record, String name) {
    var values = new ArrayList<String>();
    record.headers().headers(name).forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
    return values;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  private RecordMetadata send(String topic, String key, byte[] value, Encoding encoding, String correlationId)
      throws Exception {
    return producer.send(request(topic, key, value, encoding, correlationId)).get(30, TimeUnit.SECONDS);
  }

  private List<String> sendMany(String topic, String prefix, int count, int partitions) throws Exception {
    return sendMany(topic, prefix, count, partitions, new HashMap<>());
  }

  /** Sends valid requests spread evenly over the partitions; ids are {@code prefix + i}. */
  private List<String> sendMany(String topic, String prefix, int count, int partitions,
      Map<String, RecordMetadata> sent) throws Exception {
    var ids = new ArrayList<String>(count);
    var futures = new ArrayList<Future<RecordMetadata>>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      String key = "cust-" + (i % 50);
      ids.add(id);
      futures.add(producer.send(new ProducerRecord<>(topic, i % partitions, key.getBytes(StandardCharsets.UTF_8),
          customer(key, id).toByteArray())));
    }
    producer.flush();
    for (int i = 0; i < count; i++) {
      sent.put(ids.get(i), futures.get(i).get(30, TimeUnit.SECONDS));
    }
    return ids;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return RecordCodec.lastHeader(record.headers(), name);
  }

  private static List<String> correlationIds(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> header(r, BridgeHeaders.CORRELATION_ID)).toList();
  }

  private long committedOffset(String groupId, TopicPartition partition) {
    try {
      var offset = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
          .get(partition);
      return offset == null ? -1 : offset.offset();
    } catch (Exception e) {
      throw new AssertionError("cannot read the offsets of " + groupId, e);
    }
  }

  private long endOffsetSum(String topic) {
    try (var consumer = rawConsumer()) {
      var partitions = partitions(consumer, topic);
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    long end = endOffsetSum(topic);
    return readUntil(topic, r -> r.size() >= end);
  }

  /** Reads the topic from the beginning, in partition order, until the condition holds. */
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
