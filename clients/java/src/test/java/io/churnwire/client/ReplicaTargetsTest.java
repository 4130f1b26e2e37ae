package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ServerApplication;
import io.churnwire.testsupport.Customers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One client over several replicas: the channel's round robin reaches every one of them. */
class ReplicaTargetsTest {
  private static final String PREDICT = "churnwire.v1.ChurnService/Predict";

  private ServerApplication first;
  private ServerApplication second;

  @AfterEach
  void stop() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  @Test
  void builder_twoTargets_roundRobinSendsCallsToBoth() throws Exception {
    CallRecorder firstCalls = new CallRecorder();
    CallRecorder secondCalls = new CallRecorder();
    first = LiveServer.start(LiveServer.config(), firstCalls);
    second = LiveServer.start(LiveServer.config(), secondCalls);

    try (ChurnClient client = ChurnClient.builder(List.of(LiveServer.target(first), LiveServer.target(second)))
        .build()) {
      for (int i = 0; i < 20; i++) {
        client.predict(Customers.risky());
      }
    }

    long toFirst = firstCalls.calls().stream().filter(c -> c.method().equals(PREDICT)).count();
    long toSecond = secondCalls.calls().stream().filter(c -> c.method().equals(PREDICT)).count();
    assertEquals(20, toFirst + toSecond);
    assertTrue(toFirst > 0 && toSecond > 0, "both replicas called: " + toFirst + " and " + toSecond);
  }

  @Test
  void builder_targetsThatAreNotHostAndPort_areRefusedNamingThem() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ChurnClient.builder(List.of("localhost:50051", "replica-2")));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ChurnClient.builder(List.<String>of()));

    assertEquals("target 'replica-2' is not host:port", bad.getMessage());
    assertEquals("targets must not be empty", none.getMessage());
  }
}
