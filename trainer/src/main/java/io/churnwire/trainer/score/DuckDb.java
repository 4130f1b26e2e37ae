package io.churnwire.trainer.score;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** What reading and writing Parquet share: an in-memory DuckDB, its quoting and its messages. */
final class DuckDb {
  private DuckDb() {}

  /** A new in-memory database; {@code streaming} fetches results in chunks rather than whole. */
  static Connection connect(boolean streaming) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("jdbc_stream_results", Boolean.toString(streaming));
    return DriverManager.getConnection("jdbc:duckdb:", properties);
  }

  /** {@code file} as a SQL string literal. */
  static String literal(Path file) {
    return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  /** The first line of DuckDB's message, which is the one that says what went wrong. */
  static String firstLine(SQLException e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing more to release
      }
    }
  }
}
