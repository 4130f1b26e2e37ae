package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.kafka.local.LocalKafka;
import io.churnwire.kafka.local.LocalKafkaConfig;
import io.churnwire.kafka.local.LocalKafkaSsl;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.PredictResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge end to end with security on both sides: the project's broker ({@link LocalKafka})
 * with an mTLS listener, reached through a plain Kafka client properties file
 * ({@code --kafka-config}), and the real server on Netty over TLS requiring a bearer token,
 * reached with the {@code server-tls-*} and {@code server-token-file} settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredBridgeEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String TOKEN = "bridge-token-0123456789";

  @TempDir
  static Path dir;

  private TestCertificates certificates;
  private LocalKafka broker;
  private ServerApplication server;
  private Path kafkaConfig;
  private Path tokenFile;
  private final List<KafkaBridge> bridges = new ArrayList<>();

  @BeforeAll
  void startSecuredBrokerAndServer() throws Exception {
    certificates = TestCertificates.authority(dir.resolve("pki"), "churnwire-test-ca");
    var brokerCertificate = certificates.server("broker");
    broker = LocalKafka.start(new LocalKafkaConfig(dir.resolve("kafka"), freePort(), freePort(), 1)
        .withSsl(new LocalKafkaSsl(freePort(), brokerCertificate.certificate(), brokerCertificate.key(),
            Optional.of(certificates.caFile()))));
    var client = certificates.client("bridge");
    var kafka = new Properties();
    kafka.putAll(sslTrust());
    kafka.setProperty(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
    kafka.setProperty(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, Files.readString(client.certificate()));
    kafka.setProperty(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, Files.readString(client.key()));
    kafkaConfig = dir.resolve("kafka-client.properties");
    try (var out = Files.newOutputStream(kafkaConfig)) {
      kafka.store(out, "the bridge's Kafka client: mTLS");
    }
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");

    var serverCertificate = certificates.server("server");
    Path tokens = Files.writeString(dir.resolve("tokens"), "# the bridge\nsha256:" + sha256Hex(TOKEN) + " predict\n");
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withAdminAddress("127.0.0.1", 0)
        .withModelDir(DemoRegistry.shared())
        .withTls(serverCertificate.certificate(), serverCertificate.key(), 0)
        .withAuthTokens(tokens, 0);
    server = ServerApplication.start(config);
  }

  @AfterAll
  void stopBrokerAndServer() {
    server.close();
    broker.close();
  }

  @AfterEach
  void closeBridges() {
    bridges.reversed().forEach(KafkaBridge::close);
    bridges.clear();
  }

  @Test
  void bridge_overMtlsKafkaAndTlsServerWithToken_answersTheRequest() throws Exception {
    createTopics("secured.requests", "secured.predictions", "secured.dlq");
    var config = BridgeConfig.resolve(new String[] {
        "--bootstrap-servers", broker.sslBootstrapServers().orElseThrow(),
        "--server-target", "localhost:" + server.port(),
        "--request-topic", "secured.requests", "--response-topic", "secured.predictions",
        "--dlq-topic", "secured.dlq", "--group-id", "secured", "--commit-interval-ms", "200", "--metrics-port", "0"},
        Map.of("CHURNWIRE_KAFKA_CONFIG", kafkaConfig.toString(),
            "CHURNWIRE_SERVER_TLS_CA_FILE", certificates.caFile().toString(),
            "CHURNWIRE_SERVER_TOKEN_FILE", tokenFile.toString()));
    bridges.add(KafkaBridge.start(config));

    try (var producer = new KafkaProducer<>(clientProperties(config.kafka().forProducer()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      var request = Customers.risky().toBuilder().setCustomerId("sec-1").setRequestId("sec-req-1").build();
      producer.send(new ProducerRecord<>("secured.requests", "sec-1".getBytes(StandardCharsets.UTF_8),
          request.toByteArray())).get(30, TimeUnit.SECONDS);
    }

    ConsumerRecord<byte[], byte[]> answer = readOne("secured.predictions", config);
    PredictResponse response = PredictResponse.parseFrom(answer.value());
    assertEquals("sec-req-1", response.getRequestId());
    assertTrue(response.hasPrediction(), response.toString());
  }

  @Test
  void bridge_withoutItsClientCertificate_isRefusedByTheBroker() throws Exception {
    Path trustOnly = dir.resolve("trust-only.properties");
    var properties = new Properties();
    properties.putAll(sslTrust());
    try (var out = Files.newOutputStream(trustOnly)) {
      properties.store(out, "TLS without a client certificate");
    }
    var config = BridgeConfig.resolve(new String[] {
        "--bootstrap-servers", broker.sslBootstrapServers().orElseThrow(),
        "--server-target", "localhost:" + server.port(), "--kafka-config", trustOnly.toString(),
        "--request-topic", "refused.requests", "--response-topic", "refused.predictions",
        "--dlq-topic", "refused.dlq", "--group-id", "refused", "--max-block-ms", "20000", "--metrics-port", "-1"},
        Map.of("CHURNWIRE_SERVER_TLS_CA_FILE", certificates.caFile().toString(),
            "CHURNWIRE_SERVER_TOKEN_FILE", tokenFile.toString()));
    var bridge = KafkaBridge.start(config);
    bridges.add(bridge);

    assertTrue(bridge.awaitTermination(WAIT), "the bridge stops on an authentication failure");
    Throwable failure = bridge.failure().orElseThrow();
    assertInstanceOf(SslAuthenticationException.class, failure, failure.toString());
  }

  private static String sha256Hex(String token) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private Map<String, String> sslTrust() {
    return Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL",
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM",
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.caFile().toString());
  }

  private Map<String, Object> clientProperties(Map<String, String> security) {
    Map<String, Object> props = new HashMap<>(security);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.sslBootstrapServers().orElseThrow());
    return props;
  }

  private void createTopics(String... names) throws Exception {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(java.util.Arrays.stream(names).map(name -> new NewTopic(name, 1, (short) 1)).toList())
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  private ConsumerRecord<byte[], byte[]> readOne(String topic, BridgeConfig config) {
    Map<String, Object> props = clientProperties(config.kafka().forConsumer());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var records = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return !records.isEmpty();
      }, () -> "no answer on " + topic);
    }
    return records.getFirst();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
