package io.churnwire.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {

  @TempDir
  Path dataDir;

  @Test
  void parse_noFlags_usesDefaultPorts() {
    var config = LocalKafka.parse(new String[0]);

    assertEquals(9092, config.port());
    assertEquals(9093, config.controllerPort());
    assertEquals("127.0.0.1:9092", config.bootstrapServers());
  }

  @Test
  void config_samePortTwice_isRejectedNamingThePort() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> new LocalKafkaConfig(dataDir, 9092, 9092, 1));

    assertEquals("port and controllerPort must differ, both are 9092", error.getMessage());
  }

  @Test
  void parse_unknownFlag_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> LocalKafka.parse(new String[] {"--nope", "1"}));
  }

  @Test
  void start_formatsAndServes_producedRecordIsConsumed_andRestartKeepsData() throws IOException {
    var config = new LocalKafkaConfig(dataDir, freePort(), freePort(), 1);
    try (var broker = LocalKafka.start(config)) {
      produce(broker.bootstrapServers(), "hello");
    }

    List<String> values;
    try (var broker = LocalKafka.start(config)) {
      values = consumeAll(broker.bootstrapServers(), 1);
    }

    assertEquals(List.of("hello"), values);
  }

  private static void produce(String bootstrap, String value) {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("smoke", "k", value)).get();
    } catch (Exception e) {
      throw new AssertionError("produce failed", e);
    }
  }

  private static List<String> consumeAll(String bootstrap, int expected) {
    var values = new ArrayList<String>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "smoke",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("smoke"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
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
