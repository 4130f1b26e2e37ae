package io.churnwire.history;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store: one DuckDB file that only this process opens. One connection writes, under a
 * lock, through DuckDB's appender (about thirty times faster than batched inserts) and assigns ids
 * from the largest one present; readers get their own connections duplicated from it. Time ranges
 * need no index here: rows arrive in time order, so each row group's min/max skips the rest.
 */
final class DuckDbDatabase implements Database {
  /** Memory DuckDB may use unless the URL says otherwise; its default is 80 % of the machine. */
  static final String MEMORY_LIMIT = "1GB";

  private final String description;
  private final DuckDBConnection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private long nextId;

  private DuckDbDatabase(String description, DuckDBConnection writer) {
    this.description = description;
    this.writer = writer;
  }

  /**
   * Opens {@code url} ({@code jdbc:duckdb:<file>[;option=value…]}), creating the file's directories.
   *
   * @throws HistoryException naming the file, also when another process holds it
   */
  static DuckDbDatabase open(String url) {
    String location = location(url);
    String description = "duckdb:" + (inMemory(location) ? "memory" : Path.of(location).toAbsolutePath());
    if (!inMemory(location)) {
      Path parent = Path.of(location).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new HistoryException(description + ": cannot create directory " + parent + " (" + e + ")", e);
      }
    }
    Properties options = new Properties();
    if (!setsOption(url, "memory_limit")) {
      options.setProperty("memory_limit", MEMORY_LIMIT);
    }
    if (!setsOption(url, "threads")) {
      options.setProperty("threads", Integer.toString(threads()));
    }
    try {
      return new DuckDbDatabase(description, (DuckDBConnection) DriverManager.getConnection(url, options));
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Could not set lock") || message.contains("Conflicting lock")) {
        throw new HistoryException(description + " is in use by another process (DuckDB lets one process open"
            + " a file; give each server its own --history-url or use PostgreSQL): " + firstLine(message), e);
      }
      throw new HistoryException(description + ": cannot open (" + firstLine(message) + ")", e);
    }
  }

  /** Threads DuckDB may use: half the cores, leaving the rest to scoring. */
  static int threads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public List<String> migrationLocations() {
    return List.of();
  }

  @Override
  public DataSource migrationSource() {
    return new DuplicatingDataSource();
  }

  @Override
  public void prepare(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM predictions")) {
      result.next();
      writeLock.lock();
      try {
        nextId = result.getLong(1);
      } finally {
        writeLock.unlock();
      }
    }
  }

  @Override
  public Connection reader() throws SQLException {
    return writer.duplicate();
  }

  @Override
  public <T> T inTransaction(Work<T> work) throws SQLException {
    writeLock.lock();
    long firstId = nextId;
    try {
      writer.setAutoCommit(false);
      try {
        T result = work.run(writer);
        writer.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        nextId = firstId;
        try {
          writer.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void insert(Connection connection, List<PredictionRecord> records) throws SQLException {
    try (DuckDBAppender appender = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "predictions")) {
      for (PredictionRecord record : records) {
        CustomerFeatures features = record.features();
        appender.beginRow()
            .append(nextId++)
            .append(LocalDateTime.ofInstant(record.predictedAt(), ZoneOffset.UTC))
            .append(record.requestId())
            .append(record.customerId())
            .append(record.modelVersion())
            .append(record.probability())
            .append(record.willChurn())
            .append(record.riskBand())
            .append(record.interfaceName())
            .append(record.method())
            .append(features.internetService())
            .append(features.numberDependents())
            .append(features.numberReferrals())
            .append(features.satisfactionScore())
            .append(features.tenureInMonths())
            .append(features.totalLongDistanceCharges())
            .append(features.totalRevenue())
            .append(features.contract())
            .append(features.paymentMethod())
            .endRow();
      }
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      writer.close();
    } catch (SQLException e) {
      throw new HistoryException(description + ": close failed (" + firstLine(e.getMessage()) + ")", e);
    } finally {
      writeLock.unlock();
    }
  }

  private static String location(String url) {
    String rest = url.substring("jdbc:duckdb:".length());
    int options = indexOfAny(rest, ';', '?');
    return options < 0 ? rest : rest.substring(0, options);
  }

  private static boolean inMemory(String location) {
    return location.isEmpty() || location.equals(":memory:") || location.startsWith(":memory:");
  }

  private static boolean setsOption(String url, String option) {
    String lower = url.toLowerCase(Locale.ROOT);
    String rest = lower.substring("jdbc:duckdb:".length());
    int options = indexOfAny(rest, ';', '?');
    return options >= 0 && rest.substring(options).replace(" ", "").matches(".*[;?&]" + option + "=.*");
  }

  private static int indexOfAny(String text, char first, char second) {
    int a = text.indexOf(first);
    int b = text.indexOf(second);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  static String firstLine(String message) {
    String text = String.valueOf(message).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline).strip();
  }

  /** Flyway's connections: duplicates of the writer's, since no second one may open the file. */
  private final class DuplicatingDataSource implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return writer.duplicate();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
