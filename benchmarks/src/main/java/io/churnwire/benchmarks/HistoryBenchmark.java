package io.churnwire.benchmarks;

import io.churnwire.history.Cursor;
import io.churnwire.history.Granularity;
import io.churnwire.history.HistoryConfig;
import io.churnwire.history.PredictionFilter;
import io.churnwire.history.PredictionRecord;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.PredictionStores;
import io.churnwire.history.StoredPrediction;
import io.churnwire.history.TimeRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How the prediction history scales: fills each store given with millions of predictions through
 * {@link PredictionStore#append}, in batches the size the recorder writes, timing only the appends
 * (the sustained recording rate), then times the queries the insights API makes, each after a
 * warm-up as the median of several runs. Stores are filled and asked one after the other, so they
 * never compete for the machine. Prints one markdown table, a column per store.
 *
 * <p>A store whose appends would take longer than {@code --append-budget} is filled through
 * {@code append} until then (the rate is measured on those rows) and the rest is loaded by two
 * writers appending larger batches at once, which the output says. A plain main, not JMH: the
 * fixture takes minutes to build and each query is measured on it as it stands.
 *
 * <pre>
 * HistoryBenchmark --rows 10000000 --store duckdb=jdbc:duckdb:/tmp/h.duckdb \
 *     --store postgresql=jdbc:postgresql://127.0.0.1:5432/churnwire?user=churnwire
 * </pre>
 */
public final class HistoryBenchmark {
  private static final int BULK_WRITERS = 2;
  private static final int BULK_BATCH = 20_000;
  private static final int PAGE = 50;

  private final Options options;
  private final Instant end;

  private HistoryBenchmark(Options options) {
    this.options = options;
    this.end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    HistoryBenchmark benchmark = new HistoryBenchmark(options);
    List<StoreResult> results = new ArrayList<>();
    for (Map.Entry<String, String> store : options.stores().entrySet()) {
      results.add(benchmark.run(store.getKey(), store.getValue()));
    }
    String table = table(options, results);
    System.out.print(table);
    if (options.output() != null) {
      Files.createDirectories(options.output().toAbsolutePath().getParent());
      Files.writeString(options.output(), table, StandardCharsets.UTF_8);
    }
  }

  private StoreResult run(String name, String url) throws Exception {
    log("%s: %s, %,d predictions over %d days, %,d customers, batches of %,d", name, url, options.rows(),
        options.days(), options.customers(), options.batch());
    HistoryConfig config = HistoryConfig.defaults().withUrl(url).withRetentionDays(0);
    try (PredictionStore store = PredictionStores.open(config)) {
      if (store.earliest().isPresent()) {
        throw new IllegalStateException(name + ": the store already holds predictions; give an empty one");
      }
      StoreResult result = new StoreResult(name);
      load(store, result);
      if (config.postgresql()) {
        long started = System.nanoTime();
        vacuumAnalyze(url);
        result.notes.add(String.format(Locale.ROOT, "VACUUM ANALYZE after loading (%.0f s), as autovacuum"
            + " would in time", (System.nanoTime() - started) / 1e9));
      }
      result.size = size(url, config);
      measureQueries(store, result);
      return result;
    }
  }

  private void load(PredictionStore store, StoreResult result) throws Exception {
    SyntheticPredictions predictions = new SyntheticPredictions(end.minus(Duration.ofDays(options.days())),
        Duration.ofDays(options.days()), options.rows(), options.customers(), options.seed());
    long budget = options.appendBudget().toNanos();
    long wallStart = System.nanoTime();
    long appendNanos = 0;
    long lastReport = 0;
    long tailStart = Math.max(0, options.rows() - options.rows() / 10);
    long tailRows = 0;
    long tailNanos = 0;
    while (predictions.hasNext() && System.nanoTime() - wallStart < budget) {
      long before = predictions.produced();
      List<PredictionRecord> batch = predictions.next(options.batch());
      long started = System.nanoTime();
      store.append(batch);
      long took = System.nanoTime() - started;
      appendNanos += took;
      if (before >= tailStart) {
        tailRows += batch.size();
        tailNanos += took;
      }
      if (predictions.produced() - lastReport >= 1_000_000) {
        lastReport = predictions.produced();
        log("  %,d appended, %,.0f rows/s", lastReport, lastReport / (appendNanos / 1e9));
      }
    }
    result.appended = predictions.produced();
    result.appendSeconds = appendNanos / 1e9;
    result.tailRate = tailNanos == 0 ? Double.NaN : tailRows / (tailNanos / 1e9);
    if (predictions.hasNext()) {
      long bulkStart = System.nanoTime();
      long bulkRows = bulkLoad(store, predictions);
      double seconds = (System.nanoTime() - bulkStart) / 1e9;
      result.notes.add(String.format(Locale.ROOT, "appends stopped after the %.0f s budget at %,d rows; the other"
          + " %,d were loaded by %d writers appending %,d-row batches at once (%,.0f rows/s)",
          options.appendBudget().toSeconds() * 1.0, result.appended, bulkRows, BULK_WRITERS, BULK_BATCH,
          bulkRows / seconds));
    }
    result.total = predictions.produced();
    result.loadSeconds = (System.nanoTime() - wallStart) / 1e9;
    log("  loaded %,d in %.0f s", result.total, result.loadSeconds);
  }

  /** Appends what remains from {@value #BULK_WRITERS} threads at once; returns how many rows. */
  private static long bulkLoad(PredictionStore store, SyntheticPredictions predictions) throws Exception {
    BlockingQueue<List<PredictionRecord>> queue = new ArrayBlockingQueue<>(BULK_WRITERS * 2);
    AtomicLong written = new AtomicLong();
    List<PredictionRecord> poison = List.of();
    ExecutorService writers = Executors.newFixedThreadPool(BULK_WRITERS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < BULK_WRITERS; i++) {
        running.add(writers.submit(() -> {
          for (List<PredictionRecord> batch = queue.take(); batch != poison; batch = queue.take()) {
            store.append(batch);
            long total = written.addAndGet(batch.size());
            if (total % 1_000_000 < batch.size()) {
              log("  %,d bulk-loaded", total);
            }
          }
          return null;
        }));
      }
      while (predictions.hasNext()) {
        List<PredictionRecord> batch = predictions.next(BULK_BATCH);
        while (!queue.offer(batch, 1, java.util.concurrent.TimeUnit.SECONDS)) {
          for (Future<?> writer : running) {
            if (writer.isDone()) {
              writer.get();
            }
          }
        }
      }
      for (int i = 0; i < BULK_WRITERS; i++) {
        queue.put(poison);
      }
      for (Future<?> writer : running) {
        writer.get();
      }
    } finally {
      writers.shutdownNow();
    }
    return written.get();
  }

  private void measureQueries(PredictionStore store, StoreResult result) {
    TimeRange all = TimeRange.ALL;
    TimeRange lastWeek = new TimeRange(Optional.of(end.minus(Duration.ofDays(7))), Optional.of(end));
    PredictionFilter everything = PredictionFilter.in(all);
    PredictionFilter week = PredictionFilter.in(lastWeek);
    PredictionFilter high = new PredictionFilter(all, Optional.of("RISK_BAND_HIGH"), Optional.empty(),
        Optional.empty());
    PredictionFilter oneVersion = new PredictionFilter(all, Optional.empty(),
        Optional.of(SyntheticPredictions.MODEL_VERSIONS.getFirst()), Optional.empty());
    PredictionFilter customer = new PredictionFilter(all, Optional.empty(), Optional.empty(),
        Optional.of(SyntheticPredictions.customerId(Math.min(4_242, options.customers() - 1))));
    Cursor page49 = cursorBefore(store, everything, 50);

    Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
    queries.put("stats, all time", () -> store.stats(all));
    queries.put("stats, last 7 days", () -> store.stats(lastWeek));
    queries.put("churnOverTime per HOUR, last 7 days", () -> store.churnOverTime(week, Granularity.HOUR));
    queries.put("churnOverTime per DAY, all time", () -> store.churnOverTime(everything, Granularity.DAY));
    queries.put("churnOverTime per WEEK, all time", () -> store.churnOverTime(everything, Granularity.WEEK));
    queries.put("churnOverTime per DAY, one model version", () -> store.churnOverTime(oneVersion, Granularity.DAY));
    queries.put("riskDistribution, 10 buckets", () -> store.riskDistribution(everything, 10));
    queries.put("riskDistribution, 100 buckets", () -> store.riskDistribution(everything, 100));
    queries.put("list, first page (50)", () -> store.list(everything, Optional.empty(), PAGE));
    queries.put("list, page 50 by cursor", () -> store.list(everything, Optional.of(page49), PAGE));
    queries.put("list, first page of RISK_BAND_HIGH", () -> store.list(high, Optional.empty(), PAGE));
    queries.put("one customer's history", () -> store.list(customer, Optional.empty(), PAGE));

    Object check = store.stats(all).overall().count();
    if (!check.equals(result.total)) {
      throw new IllegalStateException(result.name + ": stats count " + check + " but " + result.total + " loaded");
    }
    for (Map.Entry<String, Supplier<Object>> query : queries.entrySet()) {
      for (int i = 0; i < options.warmup(); i++) {
        query.getValue().get();
      }
      double[] millis = new double[options.runs()];
      for (int i = 0; i < options.runs(); i++) {
        long started = System.nanoTime();
        Object answer = query.getValue().get();
        millis[i] = (System.nanoTime() - started) / 1e6;
        if (answer instanceof List<?> list && list.isEmpty()) {
          throw new IllegalStateException(result.name + ": " + query.getKey() + " answered nothing");
        }
      }
      Arrays.sort(millis);
      result.queries.put(query.getKey(), millis);
      log("  %s: median %.1f ms (%.1f–%.1f)", query.getKey(), median(millis), millis[0], millis[millis.length - 1]);
    }
  }

  /** The cursor after {@code pages - 1} pages of {@code filter}, walked page by page as a client would. */
  private static Cursor cursorBefore(PredictionStore store, PredictionFilter filter, int pages) {
    Optional<Cursor> cursor = Optional.empty();
    for (int i = 1; i < pages; i++) {
      List<StoredPrediction> page = store.list(filter, cursor, PAGE);
      cursor = Optional.of(page.getLast().cursor());
    }
    return cursor.orElseThrow();
  }

  private static void vacuumAnalyze(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM (ANALYZE) predictions, prediction_hours");
    }
  }

  /** The store's size on disk, in bytes, as the database reports it (DuckDB: the file). */
  private static long size(String url, HistoryConfig config) throws SQLException, IOException {
    if (config.postgresql()) {
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT pg_total_relation_size('predictions')"
              + " + pg_total_relation_size('prediction_hours')")) {
        row.next();
        return row.getLong(1);
      }
    }
    String location = url.substring("jdbc:duckdb:".length()).split("[;?]", 2)[0];
    Path file = Path.of(location);
    long wal = Files.exists(Path.of(location + ".wal")) ? Files.size(Path.of(location + ".wal")) : 0;
    return Files.size(file) + wal;
  }

  private static String table(Options options, List<StoreResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("| measure |");
    results.forEach(r -> out.append(' ').append(r.name).append(" |"));
    out.append("\n|---|");
    results.forEach(r -> out.append("---:|"));
    out.append('\n');
    row(out, "predictions in the store", results, r -> String.format(Locale.ROOT, "%,d", r.total));
    row(out, "recording rate through append, rows/s", results,
        r -> String.format(Locale.ROOT, "%,.0f (%,d rows in %.0f s)", r.appended / r.appendSeconds, r.appended,
            r.appendSeconds));
    row(out, "recording rate, last tenth of the rows, rows/s", results,
        r -> Double.isNaN(r.tailRate) ? "not reached" : String.format(Locale.ROOT, "%,.0f", r.tailRate));
    row(out, "load, wall clock (generation included)", results,
        r -> String.format(Locale.ROOT, "%.0f s", r.loadSeconds));
    row(out, "size on disk", results, r -> String.format(Locale.ROOT, "%.2f GB", r.size / 1e9));
    for (String query : results.getFirst().queries.keySet()) {
      row(out, query + ", median ms", results, r -> {
        double[] millis = r.queries.get(query);
        return String.format(Locale.ROOT, "%s (%s–%s)", ms(median(millis)), ms(millis[0]),
            ms(millis[millis.length - 1]));
      });
    }
    out.append('\n');
    out.append(String.format(Locale.ROOT, "Store benchmark: %,d predictions over %d days (time order), %,d customers,"
        + " %d model versions, appended in batches of %,d; each query run %d times to warm up, then timed as the"
        + " median (min–max) of %d runs; %d cores.%n", options.rows(), options.days(), options.customers(),
        SyntheticPredictions.MODEL_VERSIONS.size(), options.batch(), options.warmup(), options.runs(),
        Runtime.getRuntime().availableProcessors()));
    for (StoreResult result : results) {
      for (String note : result.notes) {
        out.append("- ").append(result.name).append(": ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String label, List<StoreResult> results,
      java.util.function.Function<StoreResult, String> cell) {
    out.append("| ").append(label).append(" |");
    results.forEach(r -> out.append(' ').append(cell.apply(r)).append(" |"));
    out.append('\n');
  }

  private static String ms(double millis) {
    return millis >= 100 ? String.format(Locale.ROOT, "%.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, format + "%n", args);
  }

  /** What one store measured. */
  private static final class StoreResult {
    final String name;
    final Map<String, double[]> queries = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    long total;
    long appended;
    double appendSeconds;
    double tailRate;
    double loadSeconds;
    long size;

    StoreResult(String name) {
      this.name = name;
    }
  }

  /** The command line: sizes, repetitions and the stores to fill, each {@code name=jdbc-url}. */
  private record Options(long rows, int batch, int days, int customers, long seed, int warmup, int runs,
      Duration appendBudget, Path output, Map<String, String> stores) {

    static Options parse(String[] args) {
      long rows = 10_000_000;
      int batch = 2_000;
      int days = 90;
      int customers = 500_000;
      long seed = 12;
      int warmup = 2;
      int runs = 5;
      Duration budget = Duration.ofMinutes(15);
      Path output = null;
      Map<String, String> stores = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--rows" -> rows = Long.parseLong(value);
          case "--batch" -> batch = Integer.parseInt(value);
          case "--days" -> days = Integer.parseInt(value);
          case "--customers" -> customers = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--runs" -> runs = Integer.parseInt(value);
          case "--append-budget" -> budget = Duration.ofSeconds(Long.parseLong(value));
          case "--output" -> output = Path.of(value);
          case "--store" -> {
            String[] parts = value.split("=", 2);
            if (parts.length != 2) {
              throw new IllegalArgumentException("--store takes name=jdbc-url, got " + value);
            }
            stores.put(parts[0], parts[1]);
          }
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (stores.isEmpty()) {
        throw new IllegalArgumentException("give at least one --store name=jdbc-url");
      }
      if (runs < 1 || warmup < 0 || batch < 1) {
        throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0, --batch >= 1");
      }
      return new Options(rows, batch, days, customers, seed, warmup, runs, budget, output, stores);
    }
  }
}
