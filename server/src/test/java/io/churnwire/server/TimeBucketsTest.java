package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnwire.history.Granularity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeBucketsTest {
  @Test
  void weeksStartOnMondayInUtc() {
    // 2026-12-03 is a Thursday; its week starts on Monday 2026-11-30.
    assertEquals(Instant.parse("2026-11-30T00:00:00Z"),
        TimeBuckets.floor(Instant.parse("2026-12-03T17:45:12Z"), Granularity.WEEK));
    assertEquals(Instant.parse("2026-11-30T00:00:00Z"),
        TimeBuckets.floor(Instant.parse("2026-11-30T00:00:00Z"), Granularity.WEEK));
    assertEquals(Instant.parse("2026-11-23T00:00:00Z"),
        TimeBuckets.floor(Instant.parse("2026-11-29T23:59:59Z"), Granularity.WEEK));
  }

  @Test
  void hoursAndDaysTruncate() {
    assertEquals(Instant.parse("2026-12-03T17:00:00Z"),
        TimeBuckets.floor(Instant.parse("2026-12-03T17:45:12Z"), Granularity.HOUR));
    assertEquals(Instant.parse("2026-12-03T00:00:00Z"),
        TimeBuckets.floor(Instant.parse("2026-12-03T17:45:12Z"), Granularity.DAY));
  }

  @Test
  void countCoversAPartialLastBucket() {
    Instant start = Instant.parse("2026-12-03T17:45:00Z");
    assertEquals(1, TimeBuckets.count(start, Instant.parse("2026-12-03T18:00:00Z"), Granularity.HOUR));
    assertEquals(2, TimeBuckets.count(start, Instant.parse("2026-12-03T18:00:00.001Z"), Granularity.HOUR));
    assertEquals(1, TimeBuckets.count(start, Instant.parse("2026-12-03T18:00:00Z"), Granularity.DAY));
    assertEquals(0, TimeBuckets.count(start, Instant.parse("2026-12-03T17:00:00Z"), Granularity.HOUR));
    assertEquals(8_760, TimeBuckets.count(Instant.parse("2025-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:00Z"), Granularity.HOUR));
  }
}
