package io.churnwire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaRoutingTest {
  private static final Path DESCRIPTOR = Path.of("/checkout/contracts/target/descriptors/churnwire.pb");

  @Test
  void render_withRetries_listsEveryServerAndRetriesOnAnotherOne() {
    ReplicaRouting routing = new ReplicaRouting(Duration.ofMillis(500), 2, true);

    String config = routing.render(18080, 19901, List.of(50061, 50062), DESCRIPTOR);

    assertTrue(config.contains("port_value: 50061 }") && config.contains("port_value: 50062 }"), config);
    assertTrue(config.contains("port_value: 18080 }") && config.contains("port_value: 19901 }"), config);
    assertTrue(config.contains("interval: 0.5s") && config.contains("unhealthy_threshold: 2"), config);
    assertTrue(config.contains("retry_on: refused-stream,unavailable,reset,connect-failure"), config);
    assertTrue(config.contains("envoy.retry_host_predicates.previous_hosts"), config);
    assertTrue(config.contains("proto_descriptor: \"" + DESCRIPTOR + "\""), config);
    assertFalse(config.contains("${"), config);
  }

  @Test
  void render_withoutRetries_dropsTheRetryPolicyWhole() {
    ReplicaRouting routing = new ReplicaRouting(Duration.ofMillis(500), 2, false);

    String config = routing.render(18080, 19901, List.of(50061, 50062), DESCRIPTOR);

    assertFalse(config.contains("retry_policy") || config.contains("previous_hosts"), config);
    assertTrue(config.contains("health_checks:"), config);
  }

  @Test
  void outOfRotationWithin_isTheIntervalTimesTheThreshold() {
    assertEquals(Duration.ofMillis(1500), new ReplicaRouting(Duration.ofMillis(500), 3, true).outOfRotationWithin());
  }

  @Test
  void topologyScenario_drainDelayOutlastsEnvoysTimeToTakeAServerOut() {
    assertTrue(TopologyScenario.DRAIN_DELAY.compareTo(TopologyScenario.ROUTING.outOfRotationWithin()) > 0,
        TopologyScenario.DRAIN_DELAY + " vs " + TopologyScenario.ROUTING.outOfRotationWithin());
    assertTrue(TopologyScenario.CONTROLS.stream().anyMatch(c -> c.drainDelay().isZero() && !c.retries()));
  }

  @Test
  void noServerOrNoThreshold_isRefusedNamingIt() {
    ReplicaRouting routing = new ReplicaRouting(Duration.ofMillis(500), 2, true);

    var noServer = assertThrows(IllegalArgumentException.class, () -> routing.render(1, 2, List.of(), DESCRIPTOR));
    var noThreshold = assertThrows(IllegalArgumentException.class,
        () -> new ReplicaRouting(Duration.ofMillis(500), 0, true));

    assertTrue(noServer.getMessage().contains("at least one server"), noServer.getMessage());
    assertTrue(noThreshold.getMessage().contains("threshold"), noThreshold.getMessage());
  }
}
