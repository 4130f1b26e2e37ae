package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

  @Test
  void defaults_roundTripThroughProperties() {
    var defaults = BridgeConfig.defaults();

    assertEquals(defaults, BridgeConfig.fromProperties(defaults.toProperties()));
    assertEquals("churn.requests", defaults.requestTopic());
    assertEquals("churn.predictions", defaults.responseTopic());
    assertEquals("churn.requests.dlq", defaults.deadLetterTopic());
  }

  @Test
  void fromEnvironment_mapsUpperSnakeCaseVariables() {
    var properties = BridgeConfig.fromEnvironment(Map.of(
        "CHURNWIRE_BRIDGE_MAX_IN_FLIGHT", "64",
        "CHURNWIRE_BRIDGE_SERVER_TARGET", "scoring:50051",
        "UNRELATED", "x"));

    var config = BridgeConfig.fromProperties(properties);

    assertEquals(64, config.maxInFlight());
    assertEquals("scoring:50051", config.serverTarget());
  }

  @Test
  void fromProperties_misspeltKey_isRejectedByName() {
    var properties = new Properties();
    properties.setProperty("churnwire.bridge.max-inflight", "10");

    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromProperties(properties));

    assertEquals("unknown setting 'churnwire.bridge.max-inflight'", error.getMessage());
  }

  @Test
  void requestTopicEqualToResponseTopic_isRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.defaults().withTopics("same", "same", "dlq"));
  }

  @Test
  void zeroMaxInFlight_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.defaults().withInFlight(0, 10));

    assertEquals("max-in-flight must be between 1 and 1000000, got 0", error.getMessage());
  }

  @Test
  void effectiveMaxPollRecords_neverExceedsMaxInFlight() {
    var config = BridgeConfig.defaults().withInFlight(8, 500).withCommitInterval(Duration.ofMillis(50));

    assertEquals(8, config.effectiveMaxPollRecords());
  }
}
