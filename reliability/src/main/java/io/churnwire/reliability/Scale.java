package io.churnwire.reliability;

import java.time.Duration;

/**
 * How much work each scenario does: the long form's figures, or the short form's (about 1/20,
 * for the build). A topology round is one rolling restart of a server and one SIGKILL of a
 * bridge; the topology's control runs take a safeguard away to show the scenario can fail.
 */
public record Scale(
    String name,
    int grpcFuzzCalls,
    int restFuzzCalls,
    Duration overload,
    int bridgeRecords,
    int bridgeKills,
    Duration reloading,
    int streams,
    int itemsPerStream,
    int topologyRounds,
    boolean topologyControls,
    Duration hangTimeout) {

  public Scale {
    if (grpcFuzzCalls < 1 || restFuzzCalls < 1 || bridgeRecords < 1 || bridgeKills < 1 || streams < 1
        || itemsPerStream < 1 || topologyRounds < 1) {
      throw new IllegalArgumentException("every count of scale " + name + " must be positive");
    }
  }

  /** The campaign as the hardening issue states it. */
  public static Scale full() {
    return new Scale("long", 100_000, 10_000, Duration.ofSeconds(60), 100_000, 10,
        Duration.ofSeconds(60), 64, 10_000, 4, true, Duration.ofMinutes(10));
  }

  /** The form the build runs: the same scenarios, about 1/20 of the work. */
  public static Scale shortForm() {
    return new Scale("short", 5_000, 500, Duration.ofSeconds(3), 5_000, 1,
        Duration.ofSeconds(5), 64, 500, 1, false, Duration.ofSeconds(90));
  }
}
