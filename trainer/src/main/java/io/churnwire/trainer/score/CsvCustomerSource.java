package io.churnwire.trainer.score;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A customer CSV read record by record with FastCSV (RFC 4180: quoted fields, fields over several
 * lines, CRLF or LF, a byte order mark), never whole: memory stays flat for any file size. Records
 * with too few or too many fields are passed on, so the row check can reject them by line.
 */
final class CsvCustomerSource implements CustomerSource {

  private final Counting bytes;
  private final long size;
  private final CsvReader<CsvRecord> reader;
  private final CloseableIterator<CsvRecord> records;
  private final List<String> header;
  private long lastLine = 1;

  private CsvCustomerSource(Counting bytes, long size, CsvReader<CsvRecord> reader) throws IOException {
    this.bytes = bytes;
    this.size = size;
    this.reader = reader;
    this.records = reader.iterator();
    if (!records.hasNext()) {
      throw new UnusableFileException("the input has no header line");
    }
    this.header = records.next().getFields();
  }

  /**
   * Opens {@code file} and reads its header.
   *
   * @throws UnusableFileException if it does not exist, cannot be read or is empty
   */
  static CsvCustomerSource open(Path file) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new UnusableFileException("no such input file: " + file, e);
    } catch (IOException e) {
      throw new UnusableFileException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Counting counting = new Counting(in);
    CsvReader<CsvRecord> reader = CsvReader.builder()
        .allowExtraFields(true)
        .allowMissingFields(true)
        .detectBomHeader(true)
        .ofCsvRecord(counting, StandardCharsets.UTF_8);
    try {
      return new CsvCustomerSource(counting, Files.size(file), reader);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e instanceof UnusableFileException unusable ? unusable
          : new UnusableFileException("cannot read the header of " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public RecordBatch next(int max) throws IOException {
    long[] lines = new long[max];
    List<List<String>> fields = new ArrayList<>(max);
    List<Reject> unreadable = new ArrayList<>(0);
    boolean failedLast = false;
    while (fields.size() + unreadable.size() < max) {
      CsvRecord record;
      try {
        if (!records.hasNext()) {
          break;
        }
        record = records.next();
        failedLast = false;
      } catch (CsvParseException e) {
        if (failedLast) {
          throw new IOException("the CSV reader cannot go on after line " + lastLine + ": " + e.getMessage(), e);
        }
        failedLast = true;
        unreadable.add(new Reject(lastLine + 1, "", "cannot split the record into fields: " + e.getMessage()));
        continue;
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      lastLine = record.getStartingLineNumber();
      lines[fields.size()] = lastLine;
      fields.add(record.getFields());
    }
    if (fields.isEmpty() && unreadable.isEmpty()) {
      return null;
    }
    return new RecordBatch(lines, fields, unreadable);
  }

  @Override
  public double progress() {
    return size == 0 ? 1 : Math.min(1, (double) bytes.count / size);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Counts the bytes read, for progress. */
  private static final class Counting extends FilterInputStream {
    private volatile long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
