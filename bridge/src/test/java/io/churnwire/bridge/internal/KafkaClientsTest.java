package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.KafkaClientProperties;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  @Test
  void producer_blocksAtMostMaxBlockMs_andRefusesAnswersAboveMaxRequestSize() {
    var config = BridgeConfig.resolve(new String[] {"--max-block-ms=2500", "--max-request-size=65536"}, Map.of());

    var properties = KafkaClients.producerProperties(config, "test");

    assertEquals(2500L, properties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    assertEquals(65536, properties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    assertEquals(true, properties.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals("all", properties.get(ProducerConfig.ACKS_CONFIG));
  }

  @Test
  void passedThroughProperties_reachBothClients_overTunableDefaults_underTheGuarantees() {
    var config = BridgeConfig.defaults().withKafka(new KafkaClientProperties(
        Map.of("security.protocol", "SSL"), Map.of("auto.offset.reset", "latest"), Map.of("compression.type", "zstd")));

    var consumer = KafkaClients.consumerProperties(config, "test");
    var producer = KafkaClients.producerProperties(config, "test");

    assertEquals("SSL", consumer.get("security.protocol"));
    assertEquals("latest", consumer.get("auto.offset.reset"));
    assertEquals(false, consumer.get("enable.auto.commit"));
    assertEquals("SSL", producer.get("security.protocol"));
    assertEquals("zstd", producer.get("compression.type"));
    assertEquals("all", producer.get(ProducerConfig.ACKS_CONFIG));
  }
}
