package io.churnwire.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's SSL (mTLS) and SASL_PLAINTEXT (SCRAM) listeners, with real clients. */
class SecuredListenersTest {

  @TempDir
  Path dir;

  @Test
  void sslListener_withClientCa_requiresClientCertificates() throws IOException {
    var certificates = TestCertificates.authority(dir.resolve("pki"), "kafka-ca");
    var broker = certificates.server("broker");
    var config = new LocalKafkaConfig(dir, freePort(), freePort(), 1)
        .withSsl(new LocalKafkaSsl(freePort(), broker.certificate(), broker.key(), Optional.of(certificates.caFile())));

    var properties = config.serverProperties();

    assertEquals("required", properties.getProperty("listener.name.ssl.ssl.client.auth"));
    assertEquals("PEM", properties.getProperty("listener.name.ssl.ssl.keystore.type"));
    assertTrue(properties.getProperty("listener.name.ssl.ssl.keystore.key").startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(properties.getProperty("advertised.listeners").contains("SSL://127.0.0.1:" + config.ssl().get().port()));
  }

  @Test
  void saslListener_neverShowsPasswords_andRefusesAQuoteInOne() {
    var sasl = new LocalKafkaSasl(9_500, LocalKafkaSasl.Mechanism.PLAIN, Map.of("bridge", "s3cret"));

    assertFalse(sasl.toString().contains("s3cret"), sasl.toString());
    var error = assertThrows(IllegalArgumentException.class,
        () -> new LocalKafkaSasl(9_500, LocalKafkaSasl.Mechanism.PLAIN, Map.of("bridge", "a\"b")));
    assertTrue(error.getMessage().contains("SASL user bridge"), error.getMessage());
  }

  @Test
  void parse_sslFlagsWithoutKey_isRejectedNamingTheMissingFlag() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> LocalKafka.parse(new String[] {"--ssl-port", "9094", "--ssl-cert-file", "broker.crt"}));

    assertEquals("--ssl-key-file is required with the other --ssl-* flags", error.getMessage());
  }

  @Test
  void mtlsAndScramListeners_serveClientsWithCredentials_andRefuseThoseWithout() throws Exception {
    var certificates = TestCertificates.authority(dir.resolve("pki"), "kafka-ca");
    var brokerCertificate = certificates.server("broker");
    var client = certificates.client("bridge");
    var config = new LocalKafkaConfig(dir.resolve("data"), freePort(), freePort(), 1)
        .withSsl(new LocalKafkaSsl(freePort(), brokerCertificate.certificate(), brokerCertificate.key(),
            Optional.of(certificates.caFile())))
        .withSasl(new LocalKafkaSasl(freePort(), LocalKafkaSasl.Mechanism.SCRAM_SHA_256, Map.of("bridge", "s3cret")));
    Map<String, Object> trust = Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL",
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM",
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.caFile().toString());
    Map<String, Object> mtls = new HashMap<>(trust);
    mtls.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
    mtls.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, Files.readString(client.certificate()));
    mtls.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, Files.readString(client.key()));

    try (var broker = LocalKafka.start(config)) {
      produce(broker.sslBootstrapServers().orElseThrow(), mtls, "over mTLS");
      List<String> values = consume(broker.saslBootstrapServers().orElseThrow(), scram("s3cret"));
      var noCertificate = assertThrows(ExecutionException.class,
          () -> produce(broker.sslBootstrapServers().orElseThrow(), trust, "refused"));
      var wrongPassword = assertThrows(ExecutionException.class,
          () -> produce(broker.saslBootstrapServers().orElseThrow(), scram("guess"), "refused"));

      assertEquals(List.of("over mTLS"), values);
      assertInstanceOf(SslAuthenticationException.class, noCertificate.getCause());
      assertInstanceOf(SaslAuthenticationException.class, wrongPassword.getCause());
    }
  }

  private static Map<String, Object> scram(String password) {
    return Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
        SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256",
        SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"bridge\" password=\"" + password + "\";");
  }

  private static void produce(String bootstrap, Map<String, Object> security, String value) throws Exception {
    Map<String, Object> props = new HashMap<>(security);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("secured", "k", value)).get();
    }
  }

  private static List<String> consume(String bootstrap, Map<String, Object> security) {
    Map<String, Object> props = new HashMap<>(security);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "secured");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var values = new ArrayList<String>();
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("secured"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
      }
    }
    return values;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
