package io.churnwire.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * What differs between the databases behind {@link JdbcPredictionStore}: how connections are had,
 * which extra migrations apply, how rows are written in bulk and how their ids are made. Every
 * query is shared and lives in the store.
 */
interface Database extends AutoCloseable {
  /** The store's name for logs and messages, never with credentials. */
  String describe();

  /** Flyway locations of this database's own migrations, applied after the common ones. */
  List<String> migrationLocations();

  /** Where Flyway gets its connections. */
  DataSource migrationSource();

  /** Called once the schema is migrated, before any other use. */
  void prepare(Connection connection) throws SQLException;

  /** A connection for reading, closed by the caller. */
  Connection reader() throws SQLException;

  /**
   * Runs {@code work} in one transaction that commits when it returns and rolls back when it
   * throws; writes on one database never interleave where that database needs it.
   */
  <T> T inTransaction(Work<T> work) throws SQLException;

  /** Writes {@code records}, already cleaned, in bulk within the current transaction. */
  void insert(Connection connection, List<PredictionRecord> records) throws SQLException;

  @Override
  void close();

  /** Statements run in a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }
}
