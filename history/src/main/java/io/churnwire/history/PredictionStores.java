package io.churnwire.history;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the store a {@link HistoryConfig} names: DuckDB for {@code jdbc:duckdb:}, else PostgreSQL. */
public final class PredictionStores {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionStores.class);

  private PredictionStores() {}

  /**
   * Opens {@code config}'s store. DuckDB is opened and migrated now, its directories created, and
   * fails fast when another process holds the file. PostgreSQL is not contacted yet: it is
   * connected to and migrated on first use, and until it answers every call throws
   * {@link HistoryException}, so a process whose database is down still starts.
   *
   * @throws HistoryException when the embedded store cannot be opened or migrated
   * @throws IllegalArgumentException when {@code config} has the history off
   */
  public static PredictionStore open(HistoryConfig config) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("the history is off (--history=off); there is no store to open");
    }
    if (config.url().toLowerCase(Locale.ROOT).startsWith("jdbc:duckdb:")) {
      DuckDbDatabase database = DuckDbDatabase.open(config.url());
      JdbcPredictionStore store = new JdbcPredictionStore(database);
      try {
        store.migrate();
      } catch (HistoryException e) {
        database.close();
        throw e;
      }
      LOG.info("prediction history in {}", store.describe());
      return store;
    }
    JdbcPredictionStore store = new JdbcPredictionStore(
        PostgresDatabase.open(config.url(), config.user(), config.password()));
    LOG.info("prediction history in {} (connected on first use)", store.describe());
    return store;
  }
}
