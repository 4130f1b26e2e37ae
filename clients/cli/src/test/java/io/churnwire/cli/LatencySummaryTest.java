package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  @Test
  void of_oneToThousandMillis_givesNearestRankPercentiles() {
    long[] nanos = LongStream.rangeClosed(1, 1000).map(i -> Duration.ofMillis(1001 - i).toNanos()).toArray();

    LatencySummary summary = LatencySummary.of(nanos);

    assertEquals(new LatencySummary(1000, Duration.ofMillis(1), Duration.ofMillis(500), Duration.ofMillis(900),
        Duration.ofMillis(990), Duration.ofMillis(999), Duration.ofMillis(1000)), summary);
  }

  @Test
  void of_singleValue_isEveryPercentile() {
    LatencySummary summary = LatencySummary.of(new long[] {7_000_000});

    assertEquals(Duration.ofMillis(7), summary.p50());
    assertEquals(Duration.ofMillis(7), summary.p999());
  }

  @Test
  void of_nothing_saysSoInsteadOfInventingFigures() {
    assertEquals("no successful calls", LatencySummary.of(new long[0]).format());
  }
}
