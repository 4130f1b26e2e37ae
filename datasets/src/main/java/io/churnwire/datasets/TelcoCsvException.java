package io.churnwire.datasets;

import java.io.IOException;

/**
 * A CSV file that cannot be turned into training data, located precisely enough to fix it: the
 * file, the 1-based line number (the header is line 1) and the column.
 */
public class TelcoCsvException extends IOException {

  private final String file;
  private final long line;
  private final String column;
  private final String problem;

  /**
   * A problem at {@code line} of {@code file} in {@code column}.
   *
   * @param column the column header as written in the file, or the feature name if the column is
   *     missing; null when the problem concerns the whole line
   */
  public TelcoCsvException(String file, long line, String column, String problem) {
    super(file + ": line " + line + (column == null ? "" : ", column '" + column + "'") + ": " + problem);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  /** The file name. */
  public String file() {
    return file;
  }

  /** The 1-based line number; the header is line 1. */
  public long line() {
    return line;
  }

  /** What is wrong, without the file, line and column. */
  public String problem() {
    return problem;
  }

  /** The column concerned, or null if the problem concerns the whole line. */
  public String column() {
    return column;
  }
}
