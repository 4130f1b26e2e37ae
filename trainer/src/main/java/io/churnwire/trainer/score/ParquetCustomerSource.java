package io.churnwire.trainer.score;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A customer Parquet file read through DuckDB's {@code read_parquet}, streamed in DuckDB's own
 * chunks. Every value is handed on as text, so the row check is the same as for CSV whatever
 * column types the file uses: a null is an empty cell, and a BOOLEAN is Yes or No, the Telco
 * spelling of a two-level answer (DuckDB itself reads a Yes/No CSV column as BOOLEAN). Rows are
 * numbered from 1.
 */
final class ParquetCustomerSource implements CustomerSource {

  private final Connection connection;
  private final ResultSet rows;
  private final List<String> header;
  private final boolean[] booleans;
  private final long total;
  private volatile long read;

  private ParquetCustomerSource(Connection connection, ResultSet rows, List<String> header, boolean[] booleans,
      long total) {
    this.connection = connection;
    this.rows = rows;
    this.header = header;
    this.booleans = booleans;
    this.total = total;
  }

  /**
   * Opens {@code file} and reads its schema.
   *
   * @throws UnusableFileException if it does not exist or is not a Parquet file
   */
  static ParquetCustomerSource open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UnusableFileException("no such input file: " + file);
    }
    Connection connection = null;
    try {
      connection = DuckDb.connect(true);
      Statement statement = connection.createStatement();
      String table = "read_parquet(" + DuckDb.literal(file) + ")";
      long total;
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
        count.next();
        total = count.getLong(1);
      }
      ResultSet rows = statement.executeQuery("SELECT * FROM " + table);
      ResultSetMetaData meta = rows.getMetaData();
      List<String> header = new ArrayList<>();
      boolean[] booleans = new boolean[meta.getColumnCount()];
      for (int c = 1; c <= meta.getColumnCount(); c++) {
        header.add(meta.getColumnLabel(c));
        booleans[c - 1] = meta.getColumnType(c) == Types.BOOLEAN;
      }
      return new ParquetCustomerSource(connection, rows, List.copyOf(header), booleans, total);
    } catch (SQLException e) {
      DuckDb.closeQuietly(connection);
      throw new UnusableFileException("cannot read " + file + " as Parquet: " + DuckDb.firstLine(e), e);
    }
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public RecordBatch next(int max) throws IOException {
    long[] lines = new long[max];
    List<List<String>> records = new ArrayList<>(max);
    int width = header.size();
    try {
      while (records.size() < max && rows.next()) {
        String[] cells = new String[width];
        for (int c = 0; c < width; c++) {
          String value = rows.getString(c + 1);
          cells[c] = value == null ? "" : booleans[c] ? (rows.getBoolean(c + 1) ? "Yes" : "No") : value;
        }
        lines[records.size()] = ++read;
        records.add(Arrays.asList(cells));
      }
    } catch (SQLException e) {
      throw new IOException("cannot read row " + (read + 1) + " of the Parquet input: " + DuckDb.firstLine(e), e);
    }
    return records.isEmpty() ? null : new RecordBatch(lines, records, List.of());
  }

  @Override
  public double progress() {
    return total == 0 ? 1 : Math.min(1, (double) read / total);
  }

  @Override
  public void close() throws IOException {
    DuckDb.closeQuietly(connection);
  }
}
