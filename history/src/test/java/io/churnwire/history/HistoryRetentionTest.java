package io.churnwire.history;

import static io.churnwire.history.Predictions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryRetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:30:00Z");

  @TempDir Path directory;

  @Test
  void runOnce_deletesWhatIsOlderThanTheRetention_andKeepsTheRest() {
    try (PredictionStore store = PredictionStores.open(HistoryConfig.defaults()
        .withUrl("jdbc:duckdb:" + directory.resolve("h.duckdb")))) {
      store.append(List.of(at(NOW.minus(Duration.ofDays(200)), "old", "v1", 0.5),
          at(NOW.minus(Duration.ofDays(180)).minusSeconds(1), "just-old", "v1", 0.5),
          at(NOW.minus(Duration.ofDays(180)).plusSeconds(1), "just-kept", "v1", 0.5),
          at(NOW.minus(Duration.ofDays(1)), "new", "v1", 0.5)));
      HistoryRetention retention = HistoryRetention.manual(store, Duration.ofDays(180),
          Clock.fixed(NOW, ZoneOffset.UTC));

      long deleted = retention.runOnce();

      assertEquals(2, deleted);
      assertEquals(List.of("new", "just-kept"), store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 10)
          .stream().map(p -> p.record().customerId()).toList());
      assertEquals(2, store.stats(TimeRange.ALL).overall().count());
    }
  }

  @Test
  void runOnce_keepForever_deletesNothing() {
    try (PredictionStore store = PredictionStores.open(HistoryConfig.defaults()
        .withUrl("jdbc:duckdb:" + directory.resolve("h.duckdb")))) {
      store.append(List.of(at(NOW.minus(Duration.ofDays(5_000)), "ancient", "v1", 0.5)));

      long deleted = HistoryRetention.manual(store, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)).runOnce();

      assertEquals(0, deleted);
      assertEquals(1, store.stats(TimeRange.ALL).overall().count());
    }
  }
}
