package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Kafka client properties reach the bridge's clients, and what the bridge keeps for itself. */
class KafkaClientPropertiesTest {

  @TempDir
  Path dir;

  @Test
  void resolve_kafkaKeysOfTheConfigFile_reachTheirClients_overTheKafkaConfigFile() throws Exception {
    Path kafkaFile = Files.writeString(dir.resolve("client.properties"), """
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        linger.ms=20
        """);
    Path bridgeFile = Files.writeString(dir.resolve("bridge.properties"), """
        churnwire.bridge.group-id=g
        kafka.common.sasl.mechanism=SCRAM-SHA-256
        kafka.consumer.fetch.min.bytes=1024
        kafka.producer.linger.ms=50
        """);

    var config = BridgeConfig.resolve(new String[] {"--config", bridgeFile.toString()},
        Map.of("CHURNWIRE_KAFKA_CONFIG", kafkaFile.toString()));

    assertEquals("g", config.groupId());
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "linger.ms", "20",
        "fetch.min.bytes", "1024"), config.kafka().forConsumer());
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "linger.ms", "50"),
        config.kafka().forProducer());
  }

  @Test
  void resolve_propertyTheBridgeSetsForAtLeastOnce_isRefusedNamingTheKey() throws Exception {
    Path bridgeFile = Files.writeString(dir.resolve("bridge.properties"), "kafka.consumer.enable.auto.commit=true\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--config=" + bridgeFile}, Map.of()));

    assertTrue(error.getMessage().startsWith("kafka.consumer.enable.auto.commit cannot be set: the bridge sets"),
        error.getMessage());
  }

  @Test
  void kafkaConfigFile_settingAcks_isRefusedNamingTheFileAndKey() throws Exception {
    Path kafkaFile = Files.writeString(dir.resolve("client.properties"), "acks=1\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--kafka-config", kafkaFile.toString()}, Map.of()));

    assertTrue(error.getMessage().startsWith("acks in " + kafkaFile + " cannot be set"), error.getMessage());
  }

  @Test
  void kafkaPropertyOwnedByABridgeSetting_isRefusedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> new KafkaClientProperties(Map.of("bootstrap.servers", "x:9092"), Map.of(), Map.of()));

    assertEquals("kafka.common.bootstrap.servers cannot be set: use the bridge setting bootstrap-servers",
        error.getMessage());
  }

  @Test
  void kafkaKeyNamingNoClient_isRejected() {
    var properties = new java.util.Properties();
    properties.setProperty("kafka.sasl.mechanism", "PLAIN");

    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromProperties(properties));

    assertTrue(error.getMessage().startsWith("unknown setting 'kafka.sasl.mechanism'"), error.getMessage());
  }

  @Test
  void misspeltBridgeKey_isStillRejected_besidePassedThroughKafkaKeys() {
    var properties = new java.util.Properties();
    properties.setProperty("kafka.common.security.protocol", "SSL");
    properties.setProperty("churnwire.bridge.gruop-id", "g");

    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromProperties(properties));

    assertEquals("unknown setting 'churnwire.bridge.gruop-id'", error.getMessage());
  }

  @Test
  void toString_masksPasswordsJaasConfigAndInlineKeys() {
    var kafka = new KafkaClientProperties(Map.of(
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"pw1\";",
        "ssl.truststore.password", "pw2", "ssl.keystore.key", "-----BEGIN PRIVATE KEY----- pw3",
        "security.protocol", "SASL_SSL"), Map.of(), Map.of("ssl.key.password", "pw4"));

    String shown = kafka.toString();

    for (String secret : new String[] {"pw1", "pw2", "pw3", "pw4"}) {
      assertFalse(shown.contains(secret), shown);
    }
    assertTrue(shown.contains("security.protocol=SASL_SSL"), shown);
  }
}
