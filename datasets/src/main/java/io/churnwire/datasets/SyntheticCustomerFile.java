package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A customer base to score, as a CSV of any size in the IBM layout with a "Customer ID" column and
 * no label, drawn from {@link SyntheticTelcoData#rows}: what bulk scoring runs and benchmarks read
 * when the real data is not at hand. Written as it is drawn, so a million rows need little memory.
 */
public final class SyntheticCustomerFile {

  private SyntheticCustomerFile() {}

  /**
   * Writes {@code rows} customers drawn with {@code seed} to {@code csv}, ids {@code C0000001} on,
   * LF line endings.
   *
   * @throws IllegalArgumentException if {@code rows} is negative
   */
  public static void write(Path csv, long rows, long seed) throws IOException {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    FeatureSchema schema = FeatureSchema.telco();
    Iterator<double[]> customers = SyntheticTelcoData.rows(seed);
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("Customer ID");
      for (int j = 0; j < schema.size(); j++) {
        out.write(',');
        out.write(TelcoCsv.header(schema.get(j)));
      }
      out.write('\n');
      for (long i = 1; i <= rows; i++) {
        double[] row = customers.next();
        out.write(String.format("C%07d", i));
        for (int j = 0; j < row.length; j++) {
          out.write(',');
          out.write(TelcoCsv.cell(schema.get(j), row[j]));
        }
        out.write('\n');
      }
    }
  }

  /** {@code SyntheticCustomerFile ROWS SEED FILE}: writes the file, for scripts. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: SyntheticCustomerFile ROWS SEED FILE");
      System.exit(2);
    }
    write(Path.of(args[2]), Long.parseLong(args[0]), Long.parseLong(args[1]));
  }
}
