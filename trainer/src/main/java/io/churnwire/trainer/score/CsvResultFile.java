package io.churnwire.trainer.score;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Results as CSV (FastCSV quoting, LF line endings). Each batch is rendered to text on the scoring
 * thread that scored it; the writer thread only appends text. Probabilities and contributions are
 * written in Java's shortest round-trip form, so reading them back gives the very doubles scored.
 */
final class CsvResultFile implements ResultFile<String> {

  private final Path target;
  private final Path partial;
  private final Writer out;
  private final boolean explain;
  private boolean finished;

  private CsvResultFile(Path target, Path partial, Writer out, boolean explain) {
    this.target = target;
    this.partial = partial;
    this.out = out;
    this.explain = explain;
  }

  /**
   * Starts {@code target} (as a partial file beside it) with the header.
   *
   * @throws UnusableFileException if it cannot be created
   */
  static CsvResultFile create(Path target, boolean explain) throws IOException {
    Path partial = Partial.of(target);
    Writer out;
    try {
      out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UnusableFileException("cannot create the output " + target + ": " + e.getMessage(), e);
    }
    CsvResultFile file = new CsvResultFile(target, partial, out, explain);
    file.write(file.render(List.<String[]>of(ResultFile.columns(explain).toArray(String[]::new))));
    return file;
  }

  @Override
  public String encode(ScoredBatch batch) {
    String[][] records = new String[batch.count()][];
    for (int i = 0; i < batch.count(); i++) {
      String[] record = new String[explain ? ResultFile.BASE_COLUMNS.size() + 2 * ScoredBatch.TOP_FACTORS
          : ResultFile.BASE_COLUMNS.size()];
      record[0] = batch.customerIds()[i];
      record[1] = Double.toString(batch.probabilities()[i]);
      record[2] = Boolean.toString(batch.willChurn()[i]);
      record[3] = batch.riskBands()[i];
      record[4] = batch.modelVersions()[i];
      if (explain) {
        List<Factor> factors = batch.factors().get(i);
        for (int k = 0; k < ScoredBatch.TOP_FACTORS; k++) {
          boolean present = k < factors.size();
          record[5 + 2 * k] = present ? factors.get(k).feature() : "";
          record[6 + 2 * k] = present ? Double.toString(factors.get(k).contribution()) : "";
        }
      }
      records[i] = record;
    }
    return render(List.of(records));
  }

  private String render(List<String[]> records) {
    StringWriter text = new StringWriter(records.size() * 96);
    try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(text)) {
      for (String[] record : records) {
        csv.writeRecord(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  @Override
  public void write(String encoded) throws IOException {
    out.write(encoded);
  }

  @Override
  public void finish() throws IOException {
    out.close();
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    finished = true;
  }

  @Override
  public void close() throws IOException {
    if (!finished) {
      out.close();
      Files.deleteIfExists(partial);
    }
  }
}
