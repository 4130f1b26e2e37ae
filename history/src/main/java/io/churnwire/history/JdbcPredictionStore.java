package io.churnwire.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The one store implementation: every query is shared SQL, and only what {@link Database} covers
 * differs. Appends keep the hourly roll-ups ({@code prediction_hours}) in the same transaction, so
 * statistics and churn over time read whole hours from there and only the partial hours at a
 * range's edges from the predictions, and give the answers a scan of the predictions would. The
 * schema is migrated before first use, which for PostgreSQL may be long after opening.
 */
final class JdbcPredictionStore implements PredictionStore {
  /** Predictions deleted per transaction, so retention never holds the writer for long. */
  static final int DELETE_CHUNK = 5_000;

  private static final String COLUMNS = "id, predicted_at, request_id, customer_id, model_version, probability,"
      + " will_churn, risk_band, interface, method, internet_service, number_dependents, number_referrals,"
      + " satisfaction_score, tenure_in_months, total_long_distance_charges, total_revenue, contract,"
      + " payment_method";
  private static final String CHURNED = "CAST(sum(CASE WHEN will_churn THEN 1 ELSE 0 END) AS BIGINT)";
  private static final String RAW_SUMS = "count(*), " + CHURNED + ", sum(probability)";
  private static final String HOUR_SUMS =
      "CAST(sum(prediction_count) AS BIGINT), CAST(sum(churn_count) AS BIGINT), sum(probability_sum)";
  /** Roll-up rows added per statement: one statement per row is slow on DuckDB. */
  static final int HOURS_PER_STATEMENT = 100;
  private static final String ADD_HOURS_CONFLICT = " ON CONFLICT (hour, model_version, risk_band) DO UPDATE SET"
      + " prediction_count = h.prediction_count + excluded.prediction_count,"
      + " churn_count = h.churn_count + excluded.churn_count,"
      + " probability_sum = h.probability_sum + excluded.probability_sum";
  private static final String SUBTRACT_HOUR = "UPDATE prediction_hours SET prediction_count = prediction_count - ?,"
      + " churn_count = churn_count - ?, probability_sum = probability_sum - ?"
      + " WHERE hour = ? AND model_version = ? AND risk_band = ?";
  private static final String DROP_EMPTY_HOUR = "DELETE FROM prediction_hours"
      + " WHERE hour = ? AND model_version = ? AND risk_band = ? AND prediction_count <= 0";
  private static final String DELETE_CHUNK_SQL = "DELETE FROM predictions WHERE id IN (SELECT id FROM predictions"
      + " WHERE predicted_at < ? ORDER BY predicted_at, id LIMIT " + DELETE_CHUNK + ")"
      + " RETURNING predicted_at, model_version, risk_band, will_churn, probability";

  private static final String DELETE_OUTCOMES_SQL = "DELETE FROM outcomes WHERE (customer_id, observed_at) IN"
      + " (SELECT customer_id, observed_at FROM outcomes WHERE observed_at < ? ORDER BY observed_at LIMIT "
      + DELETE_CHUNK + ")";
  /** Outcomes written per statement, four parameters each: one statement for a default batch. */
  static final int OUTCOMES_PER_STATEMENT = 1_000;
  private static final Comparator<OutcomeRecord> OUTCOME_ORDER = Comparator.comparing(OutcomeRecord::customerId)
      .thenComparing(OutcomeRecord::observedAt);

  private final Database database;
  private final Object migration = new Object();
  private volatile boolean migrated;

  JdbcPredictionStore(Database database) {
    this.database = database;
  }

  /**
   * Brings the schema up to date now.
   *
   * @throws HistoryException when the database cannot be reached or a migration fails
   */
  void migrate() {
    if (migrated) {
      return;
    }
    synchronized (migration) {
      if (migrated) {
        return;
      }
      List<String> locations = Stream.concat(Stream.of("classpath:db/history/common"),
          database.migrationLocations().stream()).toList();
      try {
        Flyway.configure(JdbcPredictionStore.class.getClassLoader())
            .dataSource(database.migrationSource())
            .locations(locations.toArray(String[]::new))
            .failOnMissingLocations(true)
            .cleanDisabled(true)
            .load()
            .migrate();
        try (Connection connection = database.reader()) {
          database.prepare(connection);
        }
      } catch (FlywayException e) {
        throw new HistoryException(describe() + ": migrating the schema failed: " + rootMessage(e), e);
      } catch (SQLException e) {
        throw failure("preparing", e);
      }
      migrated = true;
    }
  }

  @Override
  public void append(List<PredictionRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<PredictionRecord> clean = records.stream().map(JdbcPredictionStore::clean).toList();
    Map<HourKey, Summary> hours = new TreeMap<>();
    for (PredictionRecord record : clean) {
      hours.merge(new HourKey(HourSplit.floorHour(record.predictedAt()), record.modelVersion(), record.riskBand()),
          new Summary(1, record.willChurn() ? 1 : 0, record.probability()), Summary::plus);
    }
    call("append", () -> database.inTransaction(connection -> {
      database.insert(connection, clean);
      addHours(connection, new ArrayList<>(hours.entrySet()));
      return null;
    }));
  }

  /** Adds {@code hours} to the roll-ups, {@link #HOURS_PER_STATEMENT} rows per statement. */
  private static void addHours(Connection connection, List<Map.Entry<HourKey, Summary>> hours) throws SQLException {
    for (int from = 0; from < hours.size(); from += HOURS_PER_STATEMENT) {
      List<Map.Entry<HourKey, Summary>> chunk = hours.subList(from, Math.min(hours.size(), from + HOURS_PER_STATEMENT));
      String sql = "INSERT INTO prediction_hours AS h (hour, model_version, risk_band, prediction_count, churn_count,"
          + " probability_sum) VALUES " + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?, ?)"))
          + ADD_HOURS_CONFLICT;
      try (PreparedStatement add = connection.prepareStatement(sql)) {
        int index = 1;
        for (Map.Entry<HourKey, Summary> hour : chunk) {
          HourKey key = hour.getKey();
          add.setObject(index++, Conditions.utc(key.hour()));
          add.setString(index++, key.modelVersion());
          add.setString(index++, key.riskBand());
          add.setLong(index++, hour.getValue().count());
          add.setLong(index++, hour.getValue().churnCount());
          add.setDouble(index++, hour.getValue().probabilitySum());
        }
        add.executeUpdate();
      }
    }
  }

  @Override
  public PredictionStats stats(TimeRange range) {
    return call("stats", () -> {
      Map<GroupKey, Summary> groups = new TreeMap<>();
      HourSplit split = HourSplit.of(range);
      Optional<Instant> first;
      Optional<Instant> last;
      try (Connection connection = database.reader()) {
        BiConsumer<ResultSet, Summary> byGroup = (row, summary) -> groups.merge(
            new GroupKey(text(row, 1), text(row, 2)), summary, Summary::plus);
        if (split.hours().isPresent()) {
          Conditions hours = Conditions.in("hour", split.hours().get());
          query(connection, "SELECT risk_band, model_version, " + HOUR_SUMS + " FROM prediction_hours"
              + hours.where() + " GROUP BY risk_band, model_version", hours, 3, byGroup);
        }
        for (TimeRange edge : split.edges()) {
          Conditions raw = Conditions.in("predicted_at", edge);
          query(connection, "SELECT risk_band, model_version, " + RAW_SUMS + " FROM predictions" + raw.where()
              + " GROUP BY risk_band, model_version", raw, 3, byGroup);
        }
        Conditions all = Conditions.in("predicted_at", range);
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT min(predicted_at), max(predicted_at) FROM predictions" + all.where())) {
          all.bind(statement);
          try (ResultSet row = statement.executeQuery()) {
            row.next();
            first = instant(row, 1);
            last = instant(row, 2);
          }
        }
      }
      Summary overall = Summary.EMPTY;
      Map<String, Summary> byBand = new TreeMap<>();
      Map<String, Summary> byVersion = new TreeMap<>();
      for (Map.Entry<GroupKey, Summary> group : groups.entrySet()) {
        overall = overall.plus(group.getValue());
        byBand.merge(group.getKey().riskBand(), group.getValue(), Summary::plus);
        byVersion.merge(group.getKey().modelVersion(), group.getValue(), Summary::plus);
      }
      return new PredictionStats(overall, byBand, byVersion, first, last);
    });
  }

  @Override
  public List<StoredPrediction> list(PredictionFilter filter, Optional<Cursor> after, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, got " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    Conditions conditions = matching(filter);
    after.ifPresent(cursor -> conditions.and("(predicted_at, id) < (?, ?)",
        cursor.predictedAt(), cursor.id()));
    String sql = "SELECT " + COLUMNS + " FROM predictions" + conditions.where()
        + " ORDER BY predicted_at DESC, id DESC LIMIT " + limit;
    return call("list", () -> {
      List<StoredPrediction> page = new ArrayList<>(Math.min(limit, 1_000));
      try (Connection connection = database.reader();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        conditions.bind(statement);
        try (ResultSet row = statement.executeQuery()) {
          while (row.next()) {
            page.add(prediction(row));
          }
        }
      }
      return page;
    });
  }

  @Override
  public List<ProbabilityBucket> riskDistribution(PredictionFilter filter, int bucketCount) {
    if (bucketCount < 1) {
      throw new IllegalArgumentException("bucketCount must be at least 1, got " + bucketCount);
    }
    Conditions conditions = matching(filter);
    String sql = "SELECT least(greatest(CAST(floor(probability * " + bucketCount + ") AS INTEGER), 0), "
        + (bucketCount - 1) + ") AS bucket, count(*), " + CHURNED + " FROM predictions" + conditions.where()
        + " GROUP BY 1";
    return call("riskDistribution", () -> {
      long[] counts = new long[bucketCount];
      long[] churned = new long[bucketCount];
      try (Connection connection = database.reader();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        conditions.bind(statement);
        try (ResultSet row = statement.executeQuery()) {
          while (row.next()) {
            int bucket = row.getInt(1);
            counts[bucket] = row.getLong(2);
            churned[bucket] = row.getLong(3);
          }
        }
      }
      List<ProbabilityBucket> buckets = new ArrayList<>(bucketCount);
      for (int i = 0; i < bucketCount; i++) {
        buckets.add(new ProbabilityBucket((double) i / bucketCount, (double) (i + 1) / bucketCount, counts[i],
            churned[i]));
      }
      return buckets;
    });
  }

  @Override
  public List<TimeBucket> churnOverTime(PredictionFilter filter, Granularity granularity) {
    String unit = switch (granularity) {
      case HOUR -> "hour";
      case DAY -> "day";
      case WEEK -> "week";
    };
    return call("churnOverTime", () -> {
      Map<Instant, Summary> buckets = new TreeMap<>();
      BiConsumer<ResultSet, Summary> byBucket = (row, summary) ->
          buckets.merge(instant(row, 1).orElseThrow(), summary, Summary::plus);
      try (Connection connection = database.reader()) {
        HourSplit split = filter.customerId().isPresent()
            ? new HourSplit(Optional.empty(), List.of(filter.range()))
            : HourSplit.of(filter.range());
        if (split.hours().isPresent()) {
          Conditions hours = Conditions.in("hour", split.hours().get())
              .equal("risk_band", filter.riskBand())
              .equal("model_version", filter.modelVersion());
          query(connection, "SELECT date_trunc('" + unit + "', hour) AS bucket, " + HOUR_SUMS
              + " FROM prediction_hours" + hours.where() + " GROUP BY 1", hours, 2, byBucket);
        }
        for (TimeRange edge : split.edges()) {
          Conditions raw = matching(new PredictionFilter(edge, filter.riskBand(), filter.modelVersion(),
              filter.customerId()));
          query(connection, "SELECT date_trunc('" + unit + "', predicted_at) AS bucket, " + RAW_SUMS
              + " FROM predictions" + raw.where() + " GROUP BY 1", raw, 2, byBucket);
        }
      }
      return buckets.entrySet().stream()
          .filter(bucket -> bucket.getValue().count() > 0)
          .map(bucket -> new TimeBucket(bucket.getKey(), bucket.getValue()))
          .toList();
    });
  }

  @Override
  public OutcomeCounts recordOutcomes(List<OutcomeRecord> outcomes, Duration horizon) {
    String interval = interval(horizon);
    Map<OutcomeKey, OutcomeRecord> first = new LinkedHashMap<>();
    for (OutcomeRecord outcome : outcomes) {
      OutcomeRecord clean = clean(outcome);
      first.putIfAbsent(new OutcomeKey(clean.customerId(), clean.observedAt()), clean);
    }
    if (first.isEmpty()) {
      return OutcomeCounts.NONE;
    }
    // In key order, so that two PostgreSQL transactions with common outcomes lock them in the same order.
    List<OutcomeRecord> unique = first.values().stream().sorted(OUTCOME_ORDER).toList();
    LocalDateTime recordedAt = Conditions.utc(Instant.now());
    return call("recordOutcomes", () -> {
      // Read before the write, so that the writer (DuckDB's only one) is not held while the
      // predictions are scanned, and a failure leaves nothing stored.
      Map<OutcomeKey, Join> joins = new HashMap<>();
      try (Connection connection = database.reader()) {
        for (int from = 0; from < unique.size(); from += OUTCOMES_PER_STATEMENT) {
          classify(connection, unique.subList(from, Math.min(unique.size(), from + OUTCOMES_PER_STATEMENT)),
              interval, joins);
        }
      }
      List<OutcomeKey> stored = database.inTransaction(connection -> {
        List<OutcomeKey> keys = new ArrayList<>(unique.size());
        for (int from = 0; from < unique.size(); from += OUTCOMES_PER_STATEMENT) {
          keys.addAll(insertOutcomes(connection,
              unique.subList(from, Math.min(unique.size(), from + OUTCOMES_PER_STATEMENT)), recordedAt));
        }
        return keys;
      });
      Map<Join, Long> counts = new EnumMap<>(Join.class);
      stored.forEach(key -> counts.merge(joins.get(key), 1L, Long::sum));
      return new OutcomeCounts(stored.size(), outcomes.size() - stored.size(), counts.getOrDefault(Join.MATCHED, 0L),
          counts.getOrDefault(Join.UNKNOWN_CUSTOMER, 0L), counts.getOrDefault(Join.LATE, 0L));
    });
  }

  /** Inserts {@code outcomes} but those already stored; returns the keys of those it stored. */
  private static List<OutcomeKey> insertOutcomes(Connection connection, List<OutcomeRecord> outcomes,
      LocalDateTime recordedAt) throws SQLException {
    String sql = "INSERT INTO outcomes (customer_id, observed_at, churned, recorded_at) VALUES "
        + String.join(", ", Collections.nCopies(outcomes.size(), "(?, ?, ?, ?)"))
        + " ON CONFLICT (customer_id, observed_at) DO NOTHING RETURNING customer_id, observed_at";
    List<OutcomeKey> stored = new ArrayList<>(outcomes.size());
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      int index = 1;
      for (OutcomeRecord outcome : outcomes) {
        insert.setString(index++, outcome.customerId());
        insert.setObject(index++, Conditions.utc(outcome.observedAt()));
        insert.setBoolean(index++, outcome.churned());
        insert.setObject(index++, recordedAt);
      }
      try (ResultSet row = insert.executeQuery()) {
        while (row.next()) {
          stored.add(new OutcomeKey(row.getString(1), instant(row, 2).orElseThrow()));
        }
      }
    }
    return stored;
  }

  /**
   * Puts in {@code joins} whether each of the {@code outcomes} has a prediction for its customer
   * within the horizon before it, predictions of the customer at other times only, or none: one
   * join of the outcomes with the predictions.
   */
  private static void classify(Connection connection, List<OutcomeRecord> outcomes, String interval,
      Map<OutcomeKey, Join> joins) throws SQLException {
    String sql = "SELECT o.customer_id, o.observed_at, max(CASE WHEN p.predicted_at >= o.observed_at - " + interval
        + " AND p.predicted_at <= o.observed_at THEN 1 ELSE 0 END), count(p.id) FROM (VALUES "
        + String.join(", ", Collections.nCopies(outcomes.size(), "(CAST(? AS VARCHAR), CAST(? AS TIMESTAMP))"))
        + ") AS o (customer_id, observed_at) LEFT JOIN predictions p ON p.customer_id = o.customer_id"
        + " GROUP BY o.customer_id, o.observed_at";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int index = 1;
      for (OutcomeRecord outcome : outcomes) {
        statement.setString(index++, outcome.customerId());
        statement.setObject(index++, Conditions.utc(outcome.observedAt()));
      }
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          Join join = row.getInt(3) == 1 ? Join.MATCHED : row.getLong(4) > 0 ? Join.LATE : Join.UNKNOWN_CUSTOMER;
          joins.put(new OutcomeKey(row.getString(1), instant(row, 2).orElseThrow()), join);
        }
      }
    }
  }

  @Override
  public JoinedOutcomes joinedOutcomes(PredictionFilter filter, Duration horizon) {
    String interval = interval(horizon);
    Duration window = microseconds(horizon);
    Conditions pairs = new Conditions()
        .and("p.predicted_at <= o.observed_at")
        .and("p.predicted_at >= o.observed_at - " + interval)
        .equal("p.model_version", filter.modelVersion())
        .equal("o.customer_id", filter.customerId());
    // The prediction an outcome is joined with lies within the horizon before it, so outcomes (and
    // predictions) further than that from the range cannot give one in it: skipped early.
    filter.range().start().ifPresent(start -> pairs.and("o.observed_at >= ?", start)
        .and("p.predicted_at >= ?", start.minus(window)));
    filter.range().end().ifPresent(end -> pairs.and("o.observed_at < ?", end.plus(window)));
    Conditions chosen = new Conditions().and("recency = 1");
    filter.range().start().ifPresent(start -> chosen.and("predicted_at >= ?", start));
    filter.range().end().ifPresent(end -> chosen.and("predicted_at < ?", end));
    chosen.equal("risk_band", filter.riskBand());
    String sql = "SELECT probability, churned FROM (SELECT p.probability, p.predicted_at, p.risk_band, o.churned,"
        + " ROW_NUMBER() OVER (PARTITION BY o.customer_id, o.observed_at, p.model_version"
        + " ORDER BY p.predicted_at DESC, p.id DESC) AS recency"
        + " FROM outcomes o JOIN predictions p ON p.customer_id = o.customer_id" + pairs.where() + ") joined"
        + chosen.where();
    return call("joinedOutcomes", () -> {
      JoinedRows rows = new JoinedRows();
      try (Connection connection = database.reader();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        chosen.bind(statement, pairs.bind(statement));
        try (ResultSet row = statement.executeQuery()) {
          while (row.next()) {
            rows.add(row.getDouble(1), row.getBoolean(2));
          }
        }
      }
      return rows.joined();
    });
  }

  @Override
  public ServedFeatures servedFeatures(PredictionFilter filter, List<FeatureBinning> features) {
    FeatureCountQuery query = FeatureCountQuery.of(features, matching(filter));
    return call("servedFeatures", () -> {
      try (Connection connection = database.reader()) {
        return query.run(connection);
      }
    });
  }

  /**
   * {@code horizon} as an SQL interval literal, to the microsecond the times hold. Built from a
   * number, never from text a caller gave.
   */
  static String interval(Duration horizon) {
    Duration micros = microseconds(horizon);
    long count = Math.addExact(Math.multiplyExact(micros.getSeconds(), 1_000_000L), micros.getNano() / 1_000);
    return "INTERVAL '" + count + " microseconds'";
  }

  private static Duration microseconds(Duration horizon) {
    if (horizon.isNegative()) {
      throw new IllegalArgumentException("the outcome horizon must not be negative, got " + horizon);
    }
    return horizon.truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public Optional<Instant> earliest() {
    return call("earliest", () -> {
      try (Connection connection = database.reader();
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT min(predicted_at) FROM predictions")) {
        row.next();
        return instant(row, 1);
      }
    });
  }

  @Override
  public long deleteBefore(Instant cutoff) {
    long total = 0;
    while (true) {
      int deleted = call("deleteBefore", () -> database.inTransaction(connection -> deleteChunk(connection, cutoff)));
      total += deleted;
      if (deleted < DELETE_CHUNK) {
        break;
      }
    }
    int outcomes;
    do {
      outcomes = call("deleteBefore", () -> database.inTransaction(connection -> deleteOutcomes(connection, cutoff)));
    } while (outcomes == DELETE_CHUNK);
    return total;
  }

  /** Deletes the oldest chunk of outcomes observed before {@code cutoff}; returns how many went. */
  private static int deleteOutcomes(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE_OUTCOMES_SQL)) {
      delete.setObject(1, Conditions.utc(cutoff));
      return delete.executeUpdate();
    }
  }

  /** Deletes the oldest chunk before {@code cutoff} and takes exactly those rows off the roll-ups. */
  private static int deleteChunk(Connection connection, Instant cutoff) throws SQLException {
    Map<HourKey, Summary> removed = new TreeMap<>();
    int deleted = 0;
    try (PreparedStatement delete = connection.prepareStatement(DELETE_CHUNK_SQL)) {
      delete.setObject(1, Conditions.utc(cutoff));
      try (ResultSet row = delete.executeQuery()) {
        while (row.next()) {
          deleted++;
          Instant at = instant(row, 1).orElseThrow();
          removed.merge(new HourKey(HourSplit.floorHour(at), row.getString(2), row.getString(3)),
              new Summary(1, row.getBoolean(4) ? 1 : 0, row.getDouble(5)), Summary::plus);
        }
      }
    }
    if (removed.isEmpty()) {
      return 0;
    }
    try (PreparedStatement subtract = connection.prepareStatement(SUBTRACT_HOUR);
        PreparedStatement dropEmpty = connection.prepareStatement(DROP_EMPTY_HOUR)) {
      for (Map.Entry<HourKey, Summary> hour : removed.entrySet()) {
        HourKey key = hour.getKey();
        subtract.setLong(1, hour.getValue().count());
        subtract.setLong(2, hour.getValue().churnCount());
        subtract.setDouble(3, hour.getValue().probabilitySum());
        subtract.setObject(4, Conditions.utc(key.hour()));
        subtract.setString(5, key.modelVersion());
        subtract.setString(6, key.riskBand());
        subtract.addBatch();
        dropEmpty.setObject(1, Conditions.utc(key.hour()));
        dropEmpty.setString(2, key.modelVersion());
        dropEmpty.setString(3, key.riskBand());
        dropEmpty.addBatch();
      }
      subtract.executeBatch();
      dropEmpty.executeBatch();
    }
    return deleted;
  }

  @Override
  public void check() {
    call("check", () -> {
      try (Connection connection = database.reader();
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT count(*) FROM prediction_hours WHERE 1 = 0")) {
        row.next();
        return null;
      }
    });
  }

  @Override
  public String describe() {
    return database.describe();
  }

  @Override
  public void close() {
    database.close();
  }

  @Override
  public String toString() {
    return describe();
  }

  /** The database underneath, for tests that look at its settings. */
  Database database() {
    return database;
  }

  private static Conditions matching(PredictionFilter filter) {
    return Conditions.in("predicted_at", filter.range())
        .equal("risk_band", filter.riskBand())
        .equal("model_version", filter.modelVersion())
        .equal("customer_id", filter.customerId());
  }

  /** Runs {@code sql} and hands each row, with the sums from column {@code sums} on, to {@code sink}. */
  private static void query(Connection connection, String sql, Conditions conditions, int sums,
      BiConsumer<ResultSet, Summary> sink) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      conditions.bind(statement);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          Summary summary = new Summary(row.getLong(sums), row.getLong(sums + 1), row.getDouble(sums + 2));
          if (summary.count() > 0) {
            sink.accept(row, summary);
          }
        }
      }
    }
  }

  private static StoredPrediction prediction(ResultSet row) throws SQLException {
    CustomerFeatures features = new CustomerFeatures(row.getString(11), integer(row, 12), integer(row, 13),
        integer(row, 14), integer(row, 15), decimal(row, 16), decimal(row, 17), row.getString(18),
        row.getString(19));
    PredictionRecord record = new PredictionRecord(instant(row, 2).orElseThrow(), row.getString(3),
        row.getString(4), row.getString(5), row.getDouble(6), row.getBoolean(7), row.getString(8),
        row.getString(9), row.getString(10), features);
    return new StoredPrediction(row.getLong(1), record);
  }

  private static Integer integer(ResultSet row, int column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  private static Double decimal(ResultSet row, int column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? null : value;
  }

  private static Optional<Instant> instant(ResultSet row, int column) {
    try {
      return Optional.ofNullable(row.getObject(column, LocalDateTime.class))
          .map(time -> time.toInstant(ZoneOffset.UTC));
    } catch (SQLException e) {
      throw new UncheckedSql(e);
    }
  }

  private static String text(ResultSet row, int column) {
    try {
      return row.getString(column);
    } catch (SQLException e) {
      throw new UncheckedSql(e);
    }
  }

  /**
   * {@code record} as the store keeps it: its time to the microsecond (what TIMESTAMP holds) and
   * NUL characters, which PostgreSQL text cannot hold, replaced, so both stores answer alike.
   */
  static PredictionRecord clean(PredictionRecord record) {
    Instant at = record.predictedAt().truncatedTo(ChronoUnit.MICROS);
    CustomerFeatures f = record.features();
    if (at.equals(record.predictedAt()) && Stream.of(record.requestId(), record.customerId(), record.modelVersion(),
        record.riskBand(), record.interfaceName(), record.method(), f.internetService(), f.contract(),
        f.paymentMethod()).allMatch(JdbcPredictionStore::plain)) {
      return record;
    }
    return new PredictionRecord(at, clean(record.requestId()), clean(record.customerId()),
        clean(record.modelVersion()), record.probability(), record.willChurn(), clean(record.riskBand()),
        clean(record.interfaceName()), clean(record.method()), new CustomerFeatures(clean(f.internetService()),
        f.numberDependents(), f.numberReferrals(), f.satisfactionScore(), f.tenureInMonths(),
        f.totalLongDistanceCharges(), f.totalRevenue(), clean(f.contract()), clean(f.paymentMethod())));
  }

  /** {@code outcome} as the store keeps it, like a prediction: to the microsecond, NUL characters replaced. */
  static OutcomeRecord clean(OutcomeRecord outcome) {
    return new OutcomeRecord(clean(outcome.customerId()), outcome.churned(),
        outcome.observedAt().truncatedTo(ChronoUnit.MICROS));
  }

  private static boolean plain(String text) {
    return text == null || text.indexOf('\u0000') < 0;
  }

  private static String clean(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  private <T> T call(String action, SqlCall<T> body) {
    migrate();
    try {
      return body.run();
    } catch (SQLException e) {
      throw failure(action, e);
    } catch (UncheckedSql e) {
      throw failure(action, e.getCause());
    }
  }

  private HistoryException failure(String action, SQLException e) {
    return new HistoryException(describe() + ": " + action + " failed: " + rootMessage(e), e);
  }

  /** The first line of each distinct message down the cause chain, which names what went wrong. */
  static String rootMessage(Throwable e) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = e; cause != null && messages.size() < 3; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        String line = DuckDbDatabase.firstLine(cause.getMessage());
        if (messages.stream().noneMatch(line::contains) && !line.isEmpty()) {
          messages.add(line);
        }
      }
    }
    return messages.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", messages);
  }

  @FunctionalInterface
  private interface SqlCall<T> {
    T run() throws SQLException;
  }

  /** An SQL failure inside a row callback, unwrapped again by {@link #call}. */
  private static final class UncheckedSql extends RuntimeException {
    UncheckedSql(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /** A roll-up row's key. */
  private record HourKey(Instant hour, String modelVersion, String riskBand) implements Comparable<HourKey> {
    private static final Comparator<HourKey> ORDER = Comparator.comparing(HourKey::hour)
        .thenComparing(HourKey::modelVersion).thenComparing(HourKey::riskBand);

    @Override
    public int compareTo(HourKey other) {
      return ORDER.compare(this, other);
    }
  }

  /** A statistics group: one risk band of one model version. */
  private record GroupKey(String riskBand, String modelVersion) implements Comparable<GroupKey> {
    private static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::riskBand)
        .thenComparing(GroupKey::modelVersion);

    @Override
    public int compareTo(GroupKey other) {
      return ORDER.compare(this, other);
    }
  }

  /** What identifies an outcome. */
  private record OutcomeKey(String customerId, Instant observedAt) {}

  /** How an outcome relates to the predictions of its customer. */
  private enum Join {
    MATCHED,
    LATE,
    UNKNOWN_CUSTOMER
  }

  /** Joined probabilities and outcomes as they are read, in arrays that grow. */
  private static final class JoinedRows {
    private double[] probabilities = new double[256];
    private boolean[] churned = new boolean[256];
    private int size;

    void add(double probability, boolean outcome) {
      if (size == probabilities.length) {
        probabilities = Arrays.copyOf(probabilities, size * 2);
        churned = Arrays.copyOf(churned, size * 2);
      }
      probabilities[size] = probability;
      churned[size] = outcome;
      size++;
    }

    JoinedOutcomes joined() {
      return new JoinedOutcomes(Arrays.copyOf(probabilities, size), Arrays.copyOf(churned, size));
    }
  }
}
