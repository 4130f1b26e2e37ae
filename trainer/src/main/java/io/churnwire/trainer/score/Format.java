package io.churnwire.trainer.score;

import java.nio.file.Path;
import java.util.Locale;

/** How a customer file or a result file is laid out: chosen by its extension unless given. */
public enum Format {
  /** Comma-separated values with a header line, UTF-8. */
  CSV,
  /** Apache Parquet, read and written through DuckDB. */
  PARQUET;

  /**
   * The format named by {@code file}'s extension ({@code .csv}, {@code .parquet} or {@code .pq}).
   *
   * @throws IllegalArgumentException naming the file when the extension is neither
   */
  public static Format of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".parquet") || name.endsWith(".pq")) {
      return PARQUET;
    }
    throw new IllegalArgumentException("cannot tell the format of " + file
        + " from its extension (.csv, .parquet); name it with --input-format or --output-format");
  }
}
