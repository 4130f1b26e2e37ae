package io.churnwire.trainer.score;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.Lock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Results as Parquet: rows go through DuckDB's appender into an in-memory table (which DuckDB
 * spills to disk when it must), and {@link #finish} writes it with {@code COPY ... (FORMAT PARQUET)}.
 * Typed columns: the probability and contributions as DOUBLE, the decision as BOOLEAN.
 *
 * <p>The appender is made on the thread that opens the file and fed by the writer thread, never by
 * two at once; DuckDB wants such a hand-over declared, and every use holds the lock it gives.
 */
final class ParquetResultFile implements ResultFile<ScoredBatch> {

  private static final String TABLE = "results";

  private final Path target;
  private final Connection connection;
  private final DuckDBAppender appender;
  private final Lock appending;
  private final boolean explain;

  private ParquetResultFile(Path target, Connection connection, DuckDBAppender appender, boolean explain) {
    this.target = target;
    this.connection = connection;
    this.appender = appender;
    this.appending = appender.unsafeBreakThreadConfinement();
    this.explain = explain;
  }

  /**
   * Prepares {@code target}; the file itself is written by {@link #finish}.
   *
   * @throws UnusableFileException if its directory does not exist
   */
  static ParquetResultFile create(Path target, boolean explain) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
      throw new UnusableFileException("cannot create the output " + target + ": no writable directory " + directory);
    }
    Connection connection = null;
    try {
      connection = DuckDb.connect(false);
      StringBuilder columns = new StringBuilder();
      for (String column : ResultFile.columns(explain)) {
        String type = switch (column) {
          case "churn_probability" -> "DOUBLE";
          case "will_churn" -> "BOOLEAN";
          default -> column.endsWith("_contribution") ? "DOUBLE" : "VARCHAR";
        };
        columns.append(columns.isEmpty() ? "" : ", ").append(column).append(' ').append(type);
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE " + TABLE + " (" + columns + ")");
      }
      DuckDBAppender appender = connection.unwrap(DuckDBConnection.class)
          .createAppender(DuckDBConnection.DEFAULT_SCHEMA, TABLE);
      return new ParquetResultFile(target, connection, appender, explain);
    } catch (SQLException e) {
      DuckDb.closeQuietly(connection);
      throw new IOException("cannot prepare the Parquet output: " + DuckDb.firstLine(e), e);
    }
  }

  @Override
  public ScoredBatch encode(ScoredBatch batch) {
    return batch;
  }

  @Override
  public void write(ScoredBatch batch) throws IOException {
    appending.lock();
    try {
      for (int i = 0; i < batch.count(); i++) {
        appender.beginRow()
            .append(batch.customerIds()[i])
            .append(batch.probabilities()[i])
            .append(batch.willChurn()[i])
            .append(batch.riskBands()[i])
            .append(batch.modelVersions()[i]);
        if (explain) {
          List<Factor> factors = batch.factors().get(i);
          for (int k = 0; k < ScoredBatch.TOP_FACTORS; k++) {
            if (k < factors.size()) {
              appender.append(factors.get(k).feature()).append(factors.get(k).contribution());
            } else {
              appender.appendNull().appendNull();
            }
          }
        }
        appender.endRow();
      }
    } catch (SQLException e) {
      throw new IOException("cannot add rows to the Parquet output: " + DuckDb.firstLine(e), e);
    } finally {
      appending.unlock();
    }
  }

  @Override
  public void finish() throws IOException {
    Path partial = Partial.of(target);
    appending.lock();
    try (Statement statement = connection.createStatement()) {
      appender.close();
      statement.execute("COPY " + TABLE + " TO " + DuckDb.literal(partial) + " (FORMAT PARQUET)");
    } catch (SQLException e) {
      Files.deleteIfExists(partial);
      throw new IOException("cannot write " + target + ": " + DuckDb.firstLine(e), e);
    } finally {
      appending.unlock();
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    DuckDb.closeQuietly(connection);
  }
}
