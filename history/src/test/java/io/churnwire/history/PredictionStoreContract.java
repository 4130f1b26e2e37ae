package io.churnwire.history;

import static io.churnwire.history.Predictions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PredictionStore} does, run against each real store by a subclass that says how
 * to get a fresh, empty one. Expected answers come from a plain scan of the records written.
 */
abstract class PredictionStoreContract {
  /** A Wednesday, so that weeks (from Monday) and days differ. */
  static final Instant T0 = Instant.parse("2026-03-04T10:15:30.123456Z");

  HistoryConfig config;
  PredictionStore store;

  /** A config for a new, empty store of the kind under test. */
  abstract HistoryConfig freshConfig() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    config = freshConfig();
    store = PredictionStores.open(config);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void stats_emptyStore_countsNothingAndHasNoFirstOrLast() {
    PredictionStats stats = store.stats(TimeRange.ALL);

    assertEquals(Summary.EMPTY, stats.overall());
    assertTrue(stats.byRiskBand().isEmpty());
    assertTrue(stats.byModelVersion().isEmpty());
    assertEquals(Optional.empty(), stats.first());
    assertEquals(Optional.empty(), store.earliest());
  }

  @Test
  void stats_afterAppend_countsOverallPerBandPerVersion_withFirstAndLast() {
    List<PredictionRecord> records = List.of(
        at(T0, "a", "v1", 0.9), at(T0.plusSeconds(60), "b", "v1", 0.1),
        at(T0.plusSeconds(7_200), "c", "v2", 0.5), at(T0.plusSeconds(7_300), "a", "v2", 0.8));
    store.append(records);

    PredictionStats stats = store.stats(TimeRange.ALL);

    assertEquals(4, stats.overall().count());
    assertEquals(3, stats.overall().churnCount());
    assertEquals(2.3, stats.overall().probabilitySum(), 1e-12);
    assertEquals(Set.of("RISK_BAND_HIGH", "RISK_BAND_MEDIUM", "RISK_BAND_LOW"), stats.byRiskBand().keySet());
    assertEquals(2, stats.byRiskBand().get("RISK_BAND_HIGH").count());
    assertSummary(new Summary(2, 1, 1.0), stats.byModelVersion().get("v1"), "v1");
    assertSummary(new Summary(2, 2, 1.3), stats.byModelVersion().get("v2"), "v2");
    assertEquals(Optional.of(T0), stats.first());
    assertEquals(Optional.of(T0.plusSeconds(7_300)), stats.last());
    assertEquals(Optional.of(T0), store.earliest());
  }

  @Test
  void stats_overARange_countsOnlyWhatFallsInIt_endExclusive() {
    store.append(List.of(at(T0, "a", "v1", 0.9), at(T0.plusSeconds(10), "b", "v1", 0.2),
        at(T0.plusSeconds(20), "c", "v1", 0.4)));

    PredictionStats stats =
        store.stats(new TimeRange(Optional.of(T0.plusSeconds(10)), Optional.of(T0.plusSeconds(20))));

    assertEquals(1, stats.overall().count());
    assertEquals(Optional.of(T0.plusSeconds(10)), stats.first());
    assertEquals(Optional.of(T0.plusSeconds(10)), stats.last());
  }

  @Test
  void list_readsBackEveryField_asWritten() {
    CustomerFeatures sparse = new CustomerFeatures("INTERNET_SERVICE_UNSPECIFIED", null, null, null, null, null,
        null, "CONTRACT_UNSPECIFIED", "PAYMENT_METHOD_UNSPECIFIED");
    PredictionRecord full = at(T0, "full", "v1", 0.25);
    PredictionRecord empty = new PredictionRecord(T0.plusSeconds(1), "req\t\\x\ny", "odd \"customer\"\r", "v1",
        1.0, true, "RISK_BAND_HIGH", "PREDICTION_INTERFACE_REST", "PREDICTION_METHOD_BATCH_PREDICT", sparse);
    store.append(List.of(full, empty));

    List<StoredPrediction> page = store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 10);

    assertEquals(List.of(empty, full), page.stream().map(StoredPrediction::record).toList());
    assertTrue(page.get(0).id() > page.get(1).id());
  }

  @Test
  void append_keepsTimesToTheMicrosecond_andReplacesNulCharacters() {
    Instant withNanos = T0.plusNanos(789);
    store.append(List.of(new PredictionRecord(withNanos, "r", "nul\u0000id", "v1", 0.5, true, "RISK_BAND_MEDIUM",
        "PREDICTION_INTERFACE_GRPC", "PREDICTION_METHOD_PREDICT", Predictions.FEATURES)));

    PredictionRecord back = store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 1).get(0).record();

    assertEquals(T0, back.predictedAt());
    assertEquals("nul\uFFFDid", back.customerId());
    assertEquals(1, store.stats(new TimeRange(Optional.of(T0.minusNanos(1)), Optional.of(T0.plusNanos(1))))
        .overall().count(), "the stored time lies in a range a nanosecond either side of it");
    assertEquals(0, store.stats(new TimeRange(Optional.of(T0.plusNanos(1)), Optional.empty())).overall().count());
  }

  @Test
  void list_filtersByBandVersionAndRange_mostRecentFirst() {
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(at(T0.plusSeconds(i * 100L), "c" + (i % 4), "v" + (i % 2), (i % 10) / 10.0));
    }
    store.append(records);
    TimeRange range = new TimeRange(Optional.of(T0.plusSeconds(500)), Optional.of(T0.plusSeconds(2_500)));

    assertListed(records, new PredictionFilter(TimeRange.ALL, Optional.of("RISK_BAND_HIGH"), Optional.empty(),
        Optional.empty()), r -> r.riskBand().equals("RISK_BAND_HIGH"));
    assertListed(records, new PredictionFilter(TimeRange.ALL, Optional.empty(), Optional.of("v1"), Optional.empty()),
        r -> r.modelVersion().equals("v1"));
    assertListed(records, PredictionFilter.in(range), r -> range.contains(r.predictedAt()));
    assertListed(records, new PredictionFilter(range, Optional.of("RISK_BAND_LOW"), Optional.of("v0"),
        Optional.of("c2")), r -> range.contains(r.predictedAt()) && r.riskBand().equals("RISK_BAND_LOW")
            && r.modelVersion().equals("v0") && r.customerId().equals("c2"));
  }

  private void assertListed(List<PredictionRecord> records, PredictionFilter filter, Predicate<PredictionRecord> test) {
    List<PredictionRecord> expected = records.stream().filter(test)
        .sorted(Comparator.comparing(PredictionRecord::predictedAt).reversed()).toList();
    assertFalse(expected.isEmpty(), "the filter should match something");

    List<PredictionRecord> listed = store.list(filter, Optional.empty(), 100).stream()
        .map(StoredPrediction::record).toList();

    assertEquals(expected, listed);
  }

  @Test
  void list_pagesAcrossEqualTimestamps_withoutLossOrDuplicates() {
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      records.add(at(T0.plusSeconds(i / 5), "c" + i, "v1", 0.5));
    }
    store.append(records.subList(0, 11));
    store.append(records.subList(11, 23));

    List<StoredPrediction> seen = new ArrayList<>();
    Optional<Cursor> after = Optional.empty();
    List<StoredPrediction> page;
    do {
      page = store.list(PredictionFilter.in(TimeRange.ALL), after, 4);
      seen.addAll(page);
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).cursor());
    } while (page.size() == 4);

    assertEquals(23, seen.size());
    assertEquals(23, seen.stream().map(StoredPrediction::id).distinct().count());
    assertEquals(Set.copyOf(records), Set.copyOf(seen.stream().map(StoredPrediction::record).toList()));
    for (int i = 1; i < seen.size(); i++) {
      Cursor previous = seen.get(i - 1).cursor();
      Cursor current = seen.get(i).cursor();
      assertTrue(current.predictedAt().isBefore(previous.predictedAt())
          || current.predictedAt().equals(previous.predictedAt()) && current.id() < previous.id(),
          "most recent first, ties by id: " + previous + " then " + current);
    }
  }

  @Test
  void customerHistory_holdsOnlyThatCustomer_mostRecentFirst_inPages() {
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(at(T0.plusSeconds(i * 37L), i % 3 == 0 ? "alice" : "bob" + i, "v1", 0.3));
    }
    store.append(records);
    PredictionFilter alice = new PredictionFilter(TimeRange.ALL, Optional.empty(), Optional.empty(),
        Optional.of("alice"));

    List<StoredPrediction> first = store.list(alice, Optional.empty(), 10);
    List<StoredPrediction> second = store.list(alice, Optional.of(first.get(9).cursor()), 10);

    List<PredictionRecord> expected = records.stream().filter(r -> r.customerId().equals("alice"))
        .sorted(Comparator.comparing(PredictionRecord::predictedAt).reversed()).toList();
    assertEquals(14, expected.size());
    assertEquals(expected.subList(0, 10), first.stream().map(StoredPrediction::record).toList());
    assertEquals(expected.subList(10, 14), second.stream().map(StoredPrediction::record).toList());
    assertEquals(List.of(), store.list(new PredictionFilter(TimeRange.ALL, Optional.empty(), Optional.empty(),
        Optional.of("nobody")), Optional.empty(), 10));
  }

  @Test
  void riskDistribution_equalWidthBuckets_zeroInFirst_oneInLast() {
    store.append(List.of(at(T0, "a", "v1", 0.0), at(T0, "b", "v1", 0.05), at(T0, "c", "v1", 0.1),
        at(T0, "d", "v1", 0.55), at(T0, "e", "v1", 0.99), at(T0, "f", "v1", 1.0), at(T0, "g", "v2", 1.0)));

    List<ProbabilityBucket> buckets = store.riskDistribution(PredictionFilter.in(TimeRange.ALL), 10);
    List<ProbabilityBucket> v2 = store.riskDistribution(
        new PredictionFilter(TimeRange.ALL, Optional.empty(), Optional.of("v2"), Optional.empty()), 4);

    assertEquals(10, buckets.size());
    assertEquals(new ProbabilityBucket(0.0, 0.1, 2, 0), buckets.get(0));
    assertEquals(new ProbabilityBucket(0.1, 0.2, 1, 0), buckets.get(1));
    assertEquals(1, buckets.get(5).count());
    assertEquals(new ProbabilityBucket(0.9, 1.0, 3, 3), buckets.get(9));
    assertEquals(7, buckets.stream().mapToLong(ProbabilityBucket::count).sum());
    assertEquals(List.of(new ProbabilityBucket(0, 0.25, 0, 0), new ProbabilityBucket(0.25, 0.5, 0, 0),
        new ProbabilityBucket(0.5, 0.75, 0, 0), new ProbabilityBucket(0.75, 1, 1, 1)), v2);
  }

  @Test
  void churnOverTime_perHourDayAndWeek_bucketsStartAtTheirBoundary_weeksOnMonday() {
    Instant sunday = Instant.parse("2026-03-08T23:30:00Z");
    Instant monday = Instant.parse("2026-03-09T00:10:00Z");
    store.append(List.of(at(T0, "a", "v1", 0.9), at(T0.plusSeconds(600), "b", "v1", 0.1),
        at(sunday, "c", "v1", 0.6), at(monday, "d", "v1", 0.2)));
    PredictionFilter all = PredictionFilter.in(TimeRange.ALL);

    List<TimeBucket> hours = store.churnOverTime(all, Granularity.HOUR);
    List<TimeBucket> days = store.churnOverTime(all, Granularity.DAY);
    List<TimeBucket> weeks = store.churnOverTime(all, Granularity.WEEK);

    assertEquals(List.of(Instant.parse("2026-03-04T10:00:00Z"), Instant.parse("2026-03-08T23:00:00Z"),
        Instant.parse("2026-03-09T00:00:00Z")), hours.stream().map(TimeBucket::start).toList());
    assertSummary(new Summary(2, 1, 1.0), hours.get(0).summary(), "first hour");
    assertSummary(new Summary(1, 1, 0.6), hours.get(1).summary(), "Sunday's hour");
    assertEquals(List.of(Instant.parse("2026-03-04T00:00:00Z"), Instant.parse("2026-03-08T00:00:00Z"),
        Instant.parse("2026-03-09T00:00:00Z")), days.stream().map(TimeBucket::start).toList());
    assertEquals(List.of(Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-09T00:00:00Z")),
        weeks.stream().map(TimeBucket::start).toList());
    assertSummary(new Summary(3, 2, 1.6), weeks.get(0).summary(), "week from Monday 2 March");
    assertSummary(new Summary(1, 0, 0.2), weeks.get(1).summary(), "week from Monday 9 March");
  }

  @Test
  void rollUps_answerAsAScanOfThePredictions_onRandomDataAndRangesOffTheHour() {
    Random random = new Random(12);
    List<PredictionRecord> records = Predictions.random(random, T0.minus(Duration.ofDays(10)), 24 * 20, 3_000);
    for (int from = 0; from < records.size(); from += 700) {
      store.append(records.subList(from, Math.min(records.size(), from + 700)));
    }
    List<TimeRange> ranges = new ArrayList<>(List.of(TimeRange.ALL,
        new TimeRange(Optional.of(T0), Optional.empty()), new TimeRange(Optional.empty(), Optional.of(T0)),
        new TimeRange(Optional.of(T0), Optional.of(T0.plusSeconds(1_000)))));
    for (int i = 0; i < 12; i++) {
      Instant start = T0.minus(Duration.ofDays(11)).plusSeconds(random.nextInt(20 * 86_400)).plusNanos(
          random.nextInt(1_000_000) * 1_000L);
      ranges.add(new TimeRange(Optional.of(start), Optional.of(start.plusSeconds(1 + random.nextInt(9 * 86_400)))));
    }

    for (TimeRange range : ranges) {
      List<PredictionRecord> in = records.stream().filter(r -> range.contains(r.predictedAt())).toList();
      PredictionStats stats = store.stats(range);
      assertSummary(Predictions.sum(in), stats.overall(), range);
      assertSummaries(Predictions.sumBy(in, PredictionRecord::riskBand), stats.byRiskBand(), range);
      assertSummaries(Predictions.sumBy(in, PredictionRecord::modelVersion), stats.byModelVersion(), range);
      assertEquals(in.stream().map(PredictionRecord::predictedAt).min(Comparator.naturalOrder()), stats.first());
      assertEquals(in.stream().map(PredictionRecord::predictedAt).max(Comparator.naturalOrder()), stats.last());
      for (Granularity granularity : Granularity.values()) {
        PredictionFilter highOfV1 = new PredictionFilter(range, Optional.of("RISK_BAND_HIGH"), Optional.of("v1"),
            Optional.empty());
        assertBuckets(in, PredictionFilter.in(range), granularity, r -> true);
        assertBuckets(in, highOfV1, granularity,
            r -> r.riskBand().equals("RISK_BAND_HIGH") && r.modelVersion().equals("v1"));
      }
    }
    PredictionFilter customer = new PredictionFilter(ranges.get(5), Optional.empty(), Optional.empty(),
        Optional.of("c7"));
    assertBuckets(records.stream().filter(r -> ranges.get(5).contains(r.predictedAt())).toList(), customer,
        Granularity.DAY, r -> r.customerId().equals("c7"));
  }

  private void assertBuckets(List<PredictionRecord> in, PredictionFilter filter, Granularity granularity,
      Predicate<PredictionRecord> test) {
    Function<PredictionRecord, Instant> bucket = r -> start(r.predictedAt(), granularity);
    Map<Instant, Summary> expected = Predictions.sumBy(in.stream().filter(test).toList(), bucket);

    List<TimeBucket> actual = store.churnOverTime(filter, granularity);

    assertEquals(List.copyOf(expected.keySet()), actual.stream().map(TimeBucket::start).toList(),
        granularity + " over " + filter);
    for (TimeBucket timeBucket : actual) {
      assertSummary(expected.get(timeBucket.start()), timeBucket.summary(), filter.range());
    }
  }

  static Instant start(Instant time, Granularity granularity) {
    LocalDateTime utc = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    LocalDateTime start = switch (granularity) {
      case HOUR -> utc.truncatedTo(ChronoUnit.HOURS);
      case DAY -> utc.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    };
    return start.toInstant(ZoneOffset.UTC);
  }

  static void assertSummaries(Map<String, Summary> expected, Map<String, Summary> actual, TimeRange range) {
    assertEquals(expected.keySet(), actual.keySet(), "groups over " + range);
    expected.forEach((key, summary) -> assertSummary(summary, actual.get(key), range));
  }

  /** Counts exactly; sums of probabilities to rounding, since they are added up in another order. */
  static void assertSummary(Summary expected, Summary actual, Object context) {
    assertEquals(expected.count(), actual.count(), "count over " + context);
    assertEquals(expected.churnCount(), actual.churnCount(), "churn count over " + context);
    assertEquals(expected.probabilitySum(), actual.probabilitySum(), 1e-9 * Math.max(1, expected.count()),
        "probability sum over " + context);
  }

  @Test
  void deleteBefore_removesOlderPredictionsInChunks_andTakesThemOffTheRollUps() {
    Random random = new Random(3);
    List<PredictionRecord> records = Predictions.random(random, T0.minus(Duration.ofDays(3)), 72, 12_000);
    store.append(records);
    Instant cutoff = T0.minus(Duration.ofDays(1)).plusSeconds(1_234);

    long deleted = store.deleteBefore(cutoff);

    List<PredictionRecord> kept = records.stream().filter(r -> !r.predictedAt().isBefore(cutoff)).toList();
    assertEquals(records.size() - kept.size(), deleted);
    assertTrue(deleted > JdbcPredictionStore.DELETE_CHUNK, "several chunks: " + deleted);
    PredictionStats stats = store.stats(TimeRange.ALL);
    assertSummary(Predictions.sum(kept), stats.overall(), "all after delete");
    assertSummaries(Predictions.sumBy(kept, PredictionRecord::riskBand), stats.byRiskBand(), TimeRange.ALL);
    assertBuckets(kept, PredictionFilter.in(TimeRange.ALL), Granularity.HOUR, r -> true);
    assertEquals(kept.stream().map(PredictionRecord::predictedAt).min(Comparator.naturalOrder()), store.earliest());
    assertEquals(0, store.deleteBefore(cutoff));
  }

  @Test
  void reopen_migratesNothingTwice_keepsThePredictions_andGivesNewOnesLaterIds() throws Exception {
    store.append(List.of(at(T0, "a", "v1", 0.4), at(T0, "b", "v1", 0.6)));
    long lastId = store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 1).get(0).id();
    long migrations = appliedMigrations();
    store.close();

    store = PredictionStores.open(config);
    store.append(List.of(at(T0, "c", "v1", 0.5)));

    assertEquals(migrations, appliedMigrations());
    assertTrue(migrations >= 1);
    assertEquals(3, store.stats(TimeRange.ALL).overall().count());
    StoredPrediction newest = store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 1).get(0);
    assertEquals("c", newest.record().customerId());
    assertTrue(newest.id() > lastId);
  }

  private long appliedMigrations() throws Exception {
    try (Connection connection = ((JdbcPredictionStore) store).database().reader();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      row.next();
      return row.getLong(1);
    }
  }

  @Test
  void check_answeringStore_passes_andDescribeNamesItWithoutCredentials() {
    store.check();

    assertFalse(store.describe().contains("password"));
    assertFalse(store.describe().contains("secret"));
  }

  @Test
  void append_manyBatches_eachIdUnique() {
    Set<Long> ids = new HashSet<>();
    IntStream.range(0, 5).forEach(batch -> store.append(List.of(at(T0.plusSeconds(batch), "a", "v1", 0.5),
        at(T0.plusSeconds(batch), "b", "v1", 0.5))));

    store.list(PredictionFilter.in(TimeRange.ALL), Optional.empty(), 100).forEach(p -> ids.add(p.id()));

    assertEquals(10, ids.size());
    assertEquals(new TreeMap<>(Map.of("v1", new Summary(10, 10, 5.0))), new TreeMap<>(store.stats(TimeRange.ALL)
        .byModelVersion()));
  }
}
