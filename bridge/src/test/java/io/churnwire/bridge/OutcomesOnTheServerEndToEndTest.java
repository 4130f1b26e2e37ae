package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.churnwire.bridge.internal.RecordCodec;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.telemetry.TelemetryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcomes topic against the real server ({@code ServerApplication} on Netty, the demo model, its
 * prediction history in DuckDB) and a real broker: a customer is scored through the bridge, what
 * became of them is published, and the server joins the two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutcomesOnTheServerEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String REQUESTS = "real.requests";
  private static final String PREDICTIONS = "real.predictions";
  private static final String OUTCOMES = "real.outcomes";
  private static final String DEAD_LETTERS = "real.dlq";

  @TempDir
  static Path historyDir;

  private KafkaClusterTestKit cluster;
  private ServerApplication server;
  private Admin admin;
  private KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  void startBrokerAndServer() throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    server = ServerApplication.start(ServerConfig.defaults()
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + historyDir.resolve("predictions.duckdb")))
        .withHost("127.0.0.1").withPort(0).withModelDir(DemoRegistry.shared()));
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    admin.createTopics(List.of(new NewTopic(REQUESTS, 1, (short) 1), new NewTopic(PREDICTIONS, 1, (short) 1),
        new NewTopic(OUTCOMES, 1, (short) 1), new NewTopic(DEAD_LETTERS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  void stopBrokerAndServer() throws Exception {
    producer.close();
    admin.close();
    server.close();
    cluster.close();
  }

  @Test
  void scoredCustomersOutcome_isRecordedAndJoined_aRedeliveryIsADuplicate_andAnInvalidOneIsDeadLettered()
      throws Exception {
    BridgeConfig config = BridgeConfig.defaults()
        .withEndpoints(cluster.bootstrapServers(), "127.0.0.1:" + server.port())
        .withTopics(REQUESTS, PREDICTIONS, DEAD_LETTERS)
        .withOutcomes(OUTCOMES, 500)
        .withGroup("real", "real")
        .withTelemetry(TelemetryConfig.defaults().withMetricsHost("127.0.0.1").withMetricsPort(0));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try (KafkaBridge bridge = KafkaBridge.start(config)) {
      var customer = Customers.risky().toBuilder().setCustomerId("cust-real").setRequestId("req-real").build();
      producer.send(new ProducerRecord<>(REQUESTS, key("cust-real"), customer.toByteArray())).get(30, TimeUnit.SECONDS);
      PredictResponse prediction = PredictResponse.parseFrom(readUntil(PREDICTIONS, 1).getFirst().value());
      Instant observed = Instant.now();
      Outcome churned = Outcome.newBuilder().setCustomerId("cust-real").setChurned(true)
          .setObserveTime(Timestamp.newBuilder().setSeconds(observed.getEpochSecond()).setNanos(observed.getNano()))
          .build();

      publish(churned);
      Await.until(WAIT, () -> bridge.stats().outcomesRecorded() == 1, () -> bridge.stats().toString());
      publish(churned);
      publish(churned.toBuilder().setCustomerId("").build());

      Await.until(WAIT, () -> bridge.stats().outcomesDuplicate() == 1, () -> bridge.stats().toString());
      ConsumerRecord<byte[], byte[]> refused = readUntil(DEAD_LETTERS, 1).getFirst();
      assertEquals(BridgeHeaders.REASON_REJECTED, RecordCodec.lastHeader(refused.headers(), BridgeHeaders.REASON));
      assertEquals("INVALID_ARGUMENT", RecordCodec.lastHeader(refused.headers(), BridgeHeaders.ERROR_CODE));
      assertEquals("customer_id: is required",
          RecordCodec.lastHeader(refused.headers(), BridgeHeaders.ERROR_VIOLATIONS));
      assertEquals(1, bridge.stats().outcomesRecorded(), "the redelivered outcome is not stored twice");

      var monitoring = ChurnMonitoringServiceGrpc.newBlockingStub(channel);
      Await.until(WAIT, () -> monitoring.getModelPerformance(GetModelPerformanceRequest.newBuilder()
              .setModelVersion(prediction.getPrediction().getModelVersion()).build()).getChurnedCount() == 1,
          () -> "the server never joined the outcome with its prediction: " + monitoring.getModelPerformance(
              GetModelPerformanceRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static byte[] key(String customerId) {
    return customerId.getBytes(StandardCharsets.UTF_8);
  }

  private void publish(Outcome outcome) throws Exception {
    producer.send(new ProducerRecord<>(OUTCOMES, key(outcome.getCustomerId()), outcome.toByteArray()))
        .get(30, TimeUnit.SECONDS);
  }

  private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, int count) {
    var records = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return records.size() >= count;
      }, () -> "only " + records.size() + " records on " + topic);
    }
    return records;
  }
}
