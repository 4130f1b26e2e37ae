package io.churnwire.trainer.score;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The rows a run did not score, as CSV: {@code line}, {@code customer_id}, {@code reason}. */
final class RejectsFile implements Closeable {

  private final CsvWriter csv;

  private RejectsFile(CsvWriter csv) {
    this.csv = csv;
  }

  /**
   * Creates {@code file} with its header.
   *
   * @throws UnusableFileException if it cannot be created
   */
  static RejectsFile create(Path file) throws IOException {
    try {
      CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(file, StandardCharsets.UTF_8);
      csv.writeRecord("line", "customer_id", "reason");
      return new RejectsFile(csv);
    } catch (IOException e) {
      throw new UnusableFileException("cannot create the rejects file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Appends {@code rejects}. */
  void write(List<Reject> rejects) throws IOException {
    try {
      for (Reject reject : rejects) {
        csv.writeRecord(Long.toString(reject.line()), reject.customerId(), reject.reason());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
