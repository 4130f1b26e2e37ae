package io.churnwire.history;

import static io.churnwire.history.Predictions.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureReference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PredictionStore} does with outcomes and served features, run against each real
 * store by a subclass. Expected answers come from a plain Java scan of what was written.
 */
abstract class MonitoringStoreContract {
  static final Instant T0 = Instant.parse("2026-03-04T10:15:30.123456Z");
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration MICRO = Duration.ofNanos(1_000);

  HistoryConfig config;
  PredictionStore store;

  /** A config for a new, empty store of the kind under test. */
  abstract HistoryConfig freshConfig() throws Exception;

  /** The database of {@code config}, not migrated. */
  abstract Database openDatabase(HistoryConfig config);

  /** The last migration of the first release, for this store. */
  abstract String firstReleaseVersion();

  @BeforeEach
  void openStore() throws Exception {
    config = freshConfig();
    store = PredictionStores.open(config);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---------------------------------------------------------------- recording

  @Test
  void recordOutcomes_classifiesMatchedLateAndUnknown_horizonInclusiveAtBothEnds() {
    store.append(List.of(at(T0, "alice", "v1", 0.2), at(T0.plusSeconds(100), "alice", "v2", 0.4),
        at(T0, "bob", "v1", 0.6), at(T0.plusSeconds(1_000), "carol", "v1", 0.8)));

    OutcomeCounts counts = store.recordOutcomes(List.of(
        outcome("alice", true, T0.plus(HOUR)),
        outcome("bob", true, T0.plus(HOUR).plus(MICRO)),
        outcome("bob", false, T0),
        outcome("bob", false, T0.minus(MICRO)),
        outcome("carol", true, T0.plusSeconds(500)),
        outcome("dave", false, T0)), HOUR);

    assertEquals(new OutcomeCounts(6, 0, 2, 1, 3), counts,
        "matched: alice (prediction exactly a horizon before), bob at T0 (prediction at the observation);"
            + " late: bob a microsecond beyond either end, carol (prediction after); unknown: dave");
  }

  @Test
  void recordOutcomes_duplicatesInTheBatchOrAlreadyStored_areCountedNotStored_theFirstKept() {
    store.append(List.of(at(T0, "alice", "v1", 0.3)));
    Instant observed = T0.plusSeconds(60);

    OutcomeCounts first = store.recordOutcomes(List.of(outcome("alice", true, observed),
        outcome("alice", false, observed), outcome("alice", false, observed.plusNanos(400)),
        outcome("erin", true, observed)), HOUR);
    OutcomeCounts second = store.recordOutcomes(List.of(outcome("alice", false, observed),
        outcome("erin", false, observed), outcome("frank", true, observed)), HOUR);

    assertEquals(new OutcomeCounts(2, 2, 1, 1, 0), first, "the same microsecond is the same observation");
    assertEquals(new OutcomeCounts(1, 2, 0, 1, 0), second);
    assertEquals(3, outcomeCount());
    JoinedOutcomes joined = store.joinedOutcomes(PredictionFilter.in(TimeRange.ALL), HOUR);
    assertArrayEquals(new boolean[] {true}, joined.churned(), "alice's first outcome is the one kept");
  }

  @Test
  void recordOutcomes_emptyBatch_recordsNothing_negativeHorizon_isRejected() {
    assertEquals(OutcomeCounts.NONE, store.recordOutcomes(List.of(), HOUR));
    assertThrows(IllegalArgumentException.class,
        () -> store.recordOutcomes(List.of(outcome("a", true, T0)), Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> store.joinedOutcomes(PredictionFilter.in(TimeRange.ALL), Duration.ofSeconds(-1)));
    assertEquals(0, outcomeCount());
  }

  @Test
  void recordOutcomes_batchesOfThousands_countAsAScanOfThePredictions() {
    Random random = new Random(21);
    List<PredictionRecord> predictions = Predictions.random(random, T0.minus(Duration.ofDays(5)), 24 * 5, 4_000);
    store.append(predictions);
    Duration horizon = Duration.ofHours(20);
    List<OutcomeRecord> batch = randomOutcomes(random, 2_600, 60);
    batch.add(batch.get(17));

    OutcomeCounts counts = store.recordOutcomes(batch, horizon);

    Map<List<Object>, OutcomeRecord> unique = firstOfEach(batch);
    long matched = 0;
    long late = 0;
    for (OutcomeRecord outcome : unique.values()) {
      List<PredictionRecord> ofCustomer = predictions.stream()
          .filter(p -> p.customerId().equals(outcome.customerId())).toList();
      if (ofCustomer.stream().anyMatch(p -> within(p.predictedAt(), outcome.observedAt(), horizon))) {
        matched++;
      } else if (!ofCustomer.isEmpty()) {
        late++;
      }
    }
    assertEquals(new OutcomeCounts(unique.size(), batch.size() - unique.size(), matched,
        unique.size() - matched - late, late), counts);
    assertTrue(matched > 0 && late > 0 && unique.size() - matched - late > 0, "every kind occurs: " + counts);
    assertTrue(unique.size() > JdbcPredictionStore.OUTCOMES_PER_STATEMENT, "several statements");
    assertEquals(unique.size(), outcomeCount());
  }

  @Test
  void recordOutcomes_whileAnotherThreadAppends_bothComplete_andNothingIsLost() throws Exception {
    List<PredictionRecord> known = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      known.add(at(T0, "known" + i, "v1", 0.5));
    }
    store.append(known);
    CountDownLatch start = new CountDownLatch(1);
    CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
      await(start);
      for (int batch = 0; batch < 40; batch++) {
        List<PredictionRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          records.add(at(T0.plusSeconds(batch), "busy" + i, "v2", 0.25));
        }
        store.append(records);
      }
    });

    start.countDown();
    long matched = 0;
    for (int batch = 0; batch < 20; batch++) {
      List<OutcomeRecord> outcomes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        outcomes.add(outcome("known" + i, i % 2 == 0, T0.plusSeconds(60 + batch)));
      }
      matched += store.recordOutcomes(outcomes, HOUR).matched();
    }
    appends.join();

    assertEquals(20 * 200, matched);
    assertEquals(20 * 200, outcomeCount());
    assertEquals(200 + 40 * 50, store.stats(TimeRange.ALL).overall().count());
    assertEquals(40 * 50, store.stats(TimeRange.ALL).byModelVersion().get("v2").count());
  }

  // ---------------------------------------------------------------- joining

  @Test
  void joinedOutcomes_mostRecentPredictionPerVersionWithinTheHorizon_notOneAfterTheObservation() {
    store.append(List.of(
        at(T0, "alice", "v1", 0.1), at(T0.plusSeconds(600), "alice", "v1", 0.2),
        at(T0.plusSeconds(1_200), "alice", "v1", 0.75), at(T0.plusSeconds(2_000), "alice", "v1", 0.95),
        at(T0.plusSeconds(100), "alice", "v2", 0.6),
        at(T0.plusSeconds(500), "bob", "v1", 0.4), at(T0.plusSeconds(500), "bob", "v1", 0.45),
        at(T0.minusSeconds(7_200), "carol", "v1", 0.9)));
    Instant observed = T0.plusSeconds(1_500);
    store.recordOutcomes(List.of(outcome("alice", true, observed), outcome("bob", false, observed),
        outcome("carol", true, observed), outcome("dave", true, observed)), HOUR);

    List<Pair> joined = pairs(store.joinedOutcomes(PredictionFilter.in(TimeRange.ALL), HOUR));

    assertEquals(List.of(new Pair(0.45, false), new Pair(0.6, true), new Pair(0.75, true)), joined,
        "alice's latest v1 before the observation and her v2; bob's later-stored of two at one instant;"
            + " carol's is beyond the horizon");
    assertEquals(List.of(new Pair(0.45, false), new Pair(0.6, true), new Pair(0.75, true), new Pair(0.9, true)),
        pairs(store.joinedOutcomes(PredictionFilter.in(TimeRange.ALL), Duration.ofSeconds(1_500 + 7_200))),
        "a horizon that reaches back to carol's prediction joins it too");
  }

  @Test
  void joinedOutcomes_filtersTheChosenPrediction_byVersionRangeBandAndCustomer() {
    store.append(List.of(
        at(T0, "alice", "v1", 0.1), at(T0.plusSeconds(600), "alice", "v1", 0.2),
        at(T0.plusSeconds(1_200), "alice", "v1", 0.75), at(T0.plusSeconds(100), "alice", "v2", 0.6),
        at(T0.plusSeconds(500), "bob", "v1", 0.45)));
    Instant observed = T0.plusSeconds(1_500);
    store.recordOutcomes(List.of(outcome("alice", true, observed), outcome("bob", false, observed)), HOUR);

    assertEquals(List.of(new Pair(0.45, false), new Pair(0.75, true)), joined(filter(TimeRange.ALL, null, "v1", null)));
    assertEquals(List.of(new Pair(0.75, true)),
        joined(filter(range(T0.plusSeconds(1_000), T0.plusSeconds(2_000)), null, null, null)));
    assertEquals(List.of(new Pair(0.45, false), new Pair(0.6, true)),
        joined(filter(range(T0, T0.plusSeconds(1_000)), null, null, null)),
        "alice's v1 predictions in the range are not her latest: the latest is chosen, then filtered");
    assertEquals(List.of(new Pair(0.75, true)), joined(filter(TimeRange.ALL, "RISK_BAND_HIGH", null, null)));
    assertEquals(List.of(), joined(filter(TimeRange.ALL, "RISK_BAND_LOW", null, null)));
    assertEquals(List.of(new Pair(0.45, false)), joined(filter(TimeRange.ALL, null, null, "bob")));
    assertEquals(List.of(new Pair(0.6, true)), joined(filter(TimeRange.ALL, null, "v2", "alice")));
    assertEquals(List.of(), joined(filter(range(T0.plusSeconds(1_201), T0.plusSeconds(9_000)), null, null, null)));
  }

  @Test
  void joinedOutcomes_zeroHorizon_joinsOnlyAPredictionAtTheObservationInstant() {
    store.append(List.of(at(T0, "alice", "v1", 0.3), at(T0.minus(MICRO), "bob", "v1", 0.4)));
    store.recordOutcomes(List.of(outcome("alice", true, T0), outcome("bob", true, T0)), HOUR);

    assertEquals(List.of(new Pair(0.3, true)), joined(PredictionFilter.in(TimeRange.ALL), Duration.ZERO));
    assertEquals(List.of(new Pair(0.3, true), new Pair(0.4, true)),
        joined(PredictionFilter.in(TimeRange.ALL), MICRO));
  }

  @Test
  void joinedOutcomes_onRandomData_answerAsAScanOfPredictionsAndOutcomes() {
    Random random = new Random(8);
    List<PredictionRecord> predictions = Predictions.random(random, T0.minus(Duration.ofDays(5)), 24 * 5, 3_000);
    for (int from = 0; from < predictions.size(); from += 1_000) {
      store.append(predictions.subList(from, from + 1_000));
    }
    List<OutcomeRecord> outcomes = randomOutcomes(random, 700, 55);
    Duration horizon = Duration.ofHours(30);
    store.recordOutcomes(outcomes, horizon);
    Scan stored = new Scan(predictions, firstOfEach(outcomes).values());
    List<PredictionFilter> filters = new ArrayList<>(List.of(PredictionFilter.in(TimeRange.ALL),
        filter(TimeRange.ALL, null, "v1", null), filter(TimeRange.ALL, "RISK_BAND_MEDIUM", null, null),
        filter(TimeRange.ALL, null, null, "c7")));
    for (int i = 0; i < 6; i++) {
      Instant start = T0.minus(Duration.ofDays(5)).plusSeconds(random.nextInt(4 * 86_400));
      filters.add(filter(range(start, start.plusSeconds(3_600 + random.nextInt(2 * 86_400))),
          i % 2 == 0 ? null : "RISK_BAND_HIGH", i % 3 == 0 ? "v2" : null, null));
    }

    for (PredictionFilter filter : filters) {
      List<Pair> expected = stored.joined(filter, horizon);
      assertTrue(!expected.isEmpty(), "the filter should match something: " + filter);

      assertEquals(expected, joined(filter, horizon), filter.toString());
    }
  }

  // ---------------------------------------------------------------- served features

  @Test
  void servedFeatures_countPerBinAndLevel_asARecountWithTheRuntimesBinning_onRandomData() {
    Random random = new Random(5);
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      PredictionRecord base = at(T0.plusSeconds(i * 7L), "c" + random.nextInt(40), "v" + random.nextInt(2),
          random.nextInt(1_001) / 1_000.0);
      records.add(withFeatures(base, randomFeatures(random)));
    }
    store.append(records);
    List<FeatureBinning> binnings = binnings();
    TimeRange range = range(T0.plusSeconds(2_000), T0.plusSeconds(15_000));
    List<PredictionFilter> filters = List.of(PredictionFilter.in(TimeRange.ALL), PredictionFilter.in(range),
        filter(range, "RISK_BAND_HIGH", "v1", null), filter(TimeRange.ALL, null, null, "c3"));

    for (PredictionFilter filter : filters) {
      List<PredictionRecord> matching = records.stream().filter(r -> matches(r, filter)).toList();
      ServedFeatures served = store.servedFeatures(filter, binnings);

      assertEquals(matching.size(), served.predictions(), filter.toString());
      assertEquals(9, served.columns().size());
      for (FeatureBinning binning : binnings) {
        FeatureCounts expected = recount(matching, binning);
        FeatureCounts actual = served.columns().get(binning.column());
        assertArrayEquals(expected.binCounts(), actual.binCounts(), binning.column() + " over " + filter);
        assertEquals(expected.levelCounts(), actual.levelCounts(), binning.column() + " over " + filter);
        assertEquals(expected.missing(), actual.missing(), binning.column() + " missing over " + filter);
      }
    }
  }

  @Test
  void servedFeatures_aValueEqualToAnEdge_fallsInTheLowerBin_asDoublesAndIntegers() {
    double[] revenues = {31.2, Math.nextUp(31.2), Math.nextDown(31.2), 0.1 + 0.2, 0.3, 1e9};
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < revenues.length; i++) {
      records.add(withFeatures(at(T0.plusSeconds(i), "c" + i, "v1", 0.5), new CustomerFeatures(
          "INTERNET_SERVICE_DSL", null, null, null, 12 + i % 2, null, revenues[i], "CONTRACT_ONE_YEAR",
          "PAYMENT_METHOD_CREDIT_CARD")));
    }
    store.append(records);

    ServedFeatures served = store.servedFeatures(PredictionFilter.in(TimeRange.ALL), List.of(
        new FeatureBinning("total_revenue", new double[] {0.3, 31.2, 1e9}),
        new FeatureBinning("tenure_in_months", new double[] {11.5, 12, 12.5}),
        new FeatureBinning("number_dependents", new double[] {0})));

    assertArrayEquals(new long[] {1, 3, 2, 0}, served.columns().get("total_revenue").binCounts(),
        "0.3 | 0.1+0.2, nextDown(31.2), 31.2 | nextUp(31.2), 1e9 | none");
    assertArrayEquals(new long[] {0, 3, 0, 3}, served.columns().get("tenure_in_months").binCounts(),
        "12 in (11.5, 12], 13 above 12.5");
    assertEquals(new FeatureCounts(new long[] {0, 0}, Map.of(), 6), served.columns().get("number_dependents"));
  }

  @Test
  void servedFeatures_nothingMatching_countsZeroInEveryBin_andNoLevels() {
    store.append(List.of(at(T0, "a", "v1", 0.5)));

    ServedFeatures served = store.servedFeatures(filter(TimeRange.ALL, null, "v9", null), List.of(
        new FeatureBinning("tenure_in_months", new double[] {3, 12}), new FeatureBinning("contract", new double[0])));
    ServedFeatures none = store.servedFeatures(PredictionFilter.in(TimeRange.ALL), List.of());

    assertEquals(0, served.predictions());
    assertArrayEquals(new long[3], served.columns().get("tenure_in_months").binCounts());
    assertEquals(Map.of(), served.columns().get("contract").levelCounts());
    assertEquals(0, served.columns().get("contract").missing());
    assertEquals(new ServedFeatures(1, Map.of()), none);
  }

  @Test
  void servedFeatures_anythingButTheNineFeatureColumnsOrMismatchedEdges_isIllegalArgument() {
    PredictionFilter all = PredictionFilter.in(TimeRange.ALL);

    for (List<FeatureBinning> bad : List.of(
        List.of(new FeatureBinning("customer_id", new double[0])),
        List.of(new FeatureBinning("contract; DROP TABLE predictions", new double[0])),
        List.of(new FeatureBinning("Tenure_In_Months", new double[] {1})),
        List.of(new FeatureBinning("contract", new double[] {1})),
        List.of(new FeatureBinning("tenure_in_months", new double[0])),
        List.of(new FeatureBinning("tenure_in_months", new double[] {5, 3})),
        List.of(new FeatureBinning("total_revenue", new double[] {Double.NaN})),
        List.of(new FeatureBinning("contract", new double[0]), new FeatureBinning("contract", new double[0])))) {
      assertThrows(IllegalArgumentException.class, () -> store.servedFeatures(all, bad), bad.toString());
    }
    assertEquals(1, store.servedFeatures(all, List.of(new FeatureBinning("contract", new double[0]))).columns().size());
  }

  // ---------------------------------------------------------------- retention and migration

  @Test
  void deleteBefore_deletesOutcomesObservedBeforeTheCutoff_inChunks_andKeepsTheRest() throws Exception {
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      outcomes.add(outcome("c" + i % 50, i % 3 == 0, T0.plusSeconds(i)));
    }
    for (int from = 0; from < outcomes.size(); from += 1_000) {
      store.recordOutcomes(outcomes.subList(from, from + 1_000), HOUR);
    }
    Instant cutoff = T0.plusSeconds(5_500);

    store.deleteBefore(cutoff);

    assertEquals(500, outcomeCount());
    assertEquals(Optional.of(cutoff), earliestOutcome());
    assertEquals(new OutcomeCounts(1, 1, 0, 1, 0), store.recordOutcomes(List.of(
        outcome("c0", true, T0), outcome("c0", true, cutoff)), HOUR), "a deleted outcome may be recorded again");
  }

  @Test
  void migrate_fromTheFirstRelease_addsOutcomes_andKeepsThePredictions() throws Exception {
    HistoryConfig old = freshConfig();
    List<PredictionRecord> before = List.of(at(T0, "alice", "v1", 0.7), at(T0.plusSeconds(5), "bob", "v1", 0.2));
    try (Database database = openDatabase(old)) {
      Flyway.configure(getClass().getClassLoader()).dataSource(database.migrationSource())
          .locations(Stream.concat(Stream.of("classpath:db/history/common"),
              database.migrationLocations().stream()).toArray(String[]::new))
          .target(firstReleaseVersion()).load().migrate();
      try (Connection connection = database.reader()) {
        database.prepare(connection);
      }
      database.inTransaction(connection -> {
        database.insert(connection, before);
        return null;
      });
    }

    try (PredictionStore migrated = PredictionStores.open(old)) {
      OutcomeCounts counts = migrated.recordOutcomes(List.of(outcome("alice", true, T0.plusSeconds(60))), HOUR);

      assertEquals(new OutcomeCounts(1, 0, 1, 0, 0), counts);
      assertEquals(List.of(new Pair(0.7, true)), pairs(migrated.joinedOutcomes(PredictionFilter.in(TimeRange.ALL),
          HOUR)));
      assertEquals(List.of(before.get(1), before.get(0)), migrated.list(PredictionFilter.in(TimeRange.ALL),
          Optional.empty(), 10).stream().map(StoredPrediction::record).toList());
      try (Connection connection = ((JdbcPredictionStore) migrated).database().reader();
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT count(*) FROM flyway_schema_history"
              + " WHERE success AND version = '2'")) {
        row.next();
        assertEquals(1, row.getLong(1));
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  static OutcomeRecord outcome(String customer, boolean churned, Instant observed) {
    return new OutcomeRecord(customer, churned, observed);
  }

  static TimeRange range(Instant start, Instant end) {
    return new TimeRange(Optional.of(start), Optional.of(end));
  }

  static PredictionFilter filter(TimeRange range, String band, String version, String customer) {
    return new PredictionFilter(range, Optional.ofNullable(band), Optional.ofNullable(version),
        Optional.ofNullable(customer));
  }

  static boolean within(Instant predicted, Instant observed, Duration horizon) {
    return !predicted.isAfter(observed) && !predicted.isBefore(observed.minus(horizon));
  }

  static boolean matches(PredictionRecord record, PredictionFilter filter) {
    return filter.range().contains(record.predictedAt())
        && filter.riskBand().map(record.riskBand()::equals).orElse(true)
        && filter.modelVersion().map(record.modelVersion()::equals).orElse(true)
        && filter.customerId().map(record.customerId()::equals).orElse(true);
  }

  /** {@code count} outcomes at whole microseconds over the predictions' days, of {@code customers} customers. */
  static List<OutcomeRecord> randomOutcomes(Random random, int count, int customers) {
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant observed = T0.minus(Duration.ofDays(6)).plusSeconds(random.nextInt(7 * 86_400))
          .plusNanos(random.nextInt(1_000_000) * 1_000L);
      outcomes.add(outcome("c" + random.nextInt(customers), random.nextBoolean(), observed));
    }
    return outcomes;
  }

  /** The first outcome of each customer and observation time, in order. */
  static Map<List<Object>, OutcomeRecord> firstOfEach(List<OutcomeRecord> outcomes) {
    Map<List<Object>, OutcomeRecord> first = new LinkedHashMap<>();
    outcomes.forEach(o -> first.putIfAbsent(List.of(o.customerId(), o.observedAt()), o));
    return first;
  }

  private List<Pair> joined(PredictionFilter filter) {
    return joined(filter, HOUR);
  }

  private List<Pair> joined(PredictionFilter filter, Duration horizon) {
    return pairs(store.joinedOutcomes(filter, horizon));
  }

  static List<Pair> pairs(JoinedOutcomes joined) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < joined.size(); i++) {
      pairs.add(new Pair(joined.probabilities()[i], joined.churned()[i]));
    }
    pairs.sort(Pair.ORDER);
    return pairs;
  }

  /** A joined probability and outcome. */
  record Pair(double probability, boolean churned) {
    static final Comparator<Pair> ORDER = Comparator.comparingDouble(Pair::probability).thenComparing(Pair::churned);
  }

  /** Stored predictions (in append order, which is id order) and outcomes, joined the plain way. */
  record Scan(List<PredictionRecord> predictions, Collection<OutcomeRecord> outcomes) {
    List<Pair> joined(PredictionFilter filter, Duration horizon) {
      List<Pair> pairs = new ArrayList<>();
      for (OutcomeRecord outcome : outcomes) {
        Map<String, Integer> latest = new HashMap<>();
        for (int id = 0; id < predictions.size(); id++) {
          PredictionRecord p = predictions.get(id);
          if (p.customerId().equals(outcome.customerId()) && within(p.predictedAt(), outcome.observedAt(), horizon)) {
            Integer best = latest.get(p.modelVersion());
            if (best == null || !p.predictedAt().isBefore(predictions.get(best).predictedAt())) {
              latest.put(p.modelVersion(), id);
            }
          }
        }
        latest.values().stream().map(predictions::get).filter(p -> matches(p, filter))
            .forEach(p -> pairs.add(new Pair(p.probability(), outcome.churned())));
      }
      pairs.sort(Pair.ORDER);
      return pairs;
    }
  }

  private static final double[] REVENUE_VALUES = {31.2, 0.1 + 0.2, 0.3, 100.5, 1_000.25, 1e6};

  static List<FeatureBinning> binnings() {
    return List.of(
        new FeatureBinning("internet_service", new double[0]),
        new FeatureBinning("number_dependents", new double[] {0, 1, 2}),
        new FeatureBinning("number_referrals", new double[] {0, 2, 5, 8}),
        new FeatureBinning("satisfaction_score", new double[] {1, 2, 3, 4}),
        new FeatureBinning("tenure_in_months", new double[] {3, 12, 24, 48, 72}),
        new FeatureBinning("total_long_distance_charges", new double[] {0.3, 31.2, 250.75, 1_000.25}),
        new FeatureBinning("total_revenue", new double[] {0.3, 31.2, 100.5, 1_000.25}),
        new FeatureBinning("contract", new double[0]),
        new FeatureBinning("payment_method", new double[0]));
  }

  static CustomerFeatures randomFeatures(Random random) {
    return new CustomerFeatures(
        pick(random, "INTERNET_SERVICE_DSL", "INTERNET_SERVICE_FIBER_OPTIC", "INTERNET_SERVICE_UNSPECIFIED", null),
        integer(random, 4), integer(random, 10), integer(random, 6), integer(random, 80),
        decimal(random), decimal(random),
        pick(random, "CONTRACT_MONTH_TO_MONTH", "CONTRACT_ONE_YEAR", "CONTRACT_TWO_YEAR", null),
        pick(random, "PAYMENT_METHOD_BANK_WITHDRAWAL", "PAYMENT_METHOD_CREDIT_CARD", null));
  }

  private static String pick(Random random, String... values) {
    return values[random.nextInt(values.length)];
  }

  private static Integer integer(Random random, int bound) {
    return random.nextInt(10) == 0 ? null : random.nextInt(bound);
  }

  private static Double decimal(Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return null;
    }
    return kind < 5 ? REVENUE_VALUES[random.nextInt(REVENUE_VALUES.length)] : random.nextInt(200_000) / 100.0;
  }

  static PredictionRecord withFeatures(PredictionRecord record, CustomerFeatures features) {
    return new PredictionRecord(record.predictedAt(), record.requestId(), record.customerId(), record.modelVersion(),
        record.probability(), record.willChurn(), record.riskBand(), record.interfaceName(), record.method(),
        features);
  }

  /** {@code binning}'s counts over {@code records}, by {@link FeatureReference#bin} for a numeric column. */
  static FeatureCounts recount(List<PredictionRecord> records, FeatureBinning binning) {
    Function<CustomerFeatures, Object> value = switch (binning.column()) {
      case "internet_service" -> CustomerFeatures::internetService;
      case "number_dependents" -> CustomerFeatures::numberDependents;
      case "number_referrals" -> CustomerFeatures::numberReferrals;
      case "satisfaction_score" -> CustomerFeatures::satisfactionScore;
      case "tenure_in_months" -> CustomerFeatures::tenureInMonths;
      case "total_long_distance_charges" -> CustomerFeatures::totalLongDistanceCharges;
      case "total_revenue" -> CustomerFeatures::totalRevenue;
      case "contract" -> CustomerFeatures::contract;
      case "payment_method" -> CustomerFeatures::paymentMethod;
      default -> throw new IllegalArgumentException(binning.column());
    };
    FeatureReference reference = new FeatureReference(binning.binEdges(), new double[0], 0);
    long[] bins = new long[binning.categorical() ? 0 : binning.binEdges().length + 1];
    Map<String, Long> levels = new HashMap<>();
    long missing = 0;
    for (PredictionRecord record : records) {
      Object v = value.apply(record.features());
      if (v == null) {
        missing++;
      } else if (v instanceof String level) {
        levels.merge(level, 1L, Long::sum);
      } else {
        bins[reference.bin(((Number) v).doubleValue())]++;
      }
    }
    return new FeatureCounts(bins, levels, missing);
  }

  private long outcomeCount() {
    return ((Number) queryOne("SELECT count(*) FROM outcomes")).longValue();
  }

  private Optional<Instant> earliestOutcome() {
    return Optional.ofNullable((LocalDateTime) queryOne("SELECT min(observed_at) FROM outcomes"))
        .map(time -> time.toInstant(ZoneOffset.UTC));
  }

  private Object queryOne(String sql) {
    store.check();
    try (Connection connection = ((JdbcPredictionStore) store).database().reader();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      Object value = row.getObject(1);
      return value instanceof java.sql.Timestamp timestamp ? timestamp.toLocalDateTime() : value;
    } catch (Exception e) {
      throw new AssertionError(sql, e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
