package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.ModelVersion;
import io.churnwire.v1.PredictRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and writes churn data in the layout of IBM's extended Telco customer churn CSV, so the
 * public sample data (and files shaped like it) can train a model, or be sent to the server as
 * requests, without a conversion step.
 *
 * <p>Columns are matched by normalised header: lower_snake_case, camelCase split, so that
 * "Tenure in Months" finds {@code tenure_in_months}; the IBM spellings "Number of Dependents" and
 * "Number of Referrals" are accepted for {@code number_dependents} and {@code number_referrals}.
 * Other columns are ignored. The label is "Churn Label" (or "Churn") with values Yes/No.
 * Categories match case-insensitively. Line endings may be CRLF or LF, and the last line need not
 * end with one. Simple double-quoted fields are understood; fields spanning lines are not.
 */
public final class TelcoCsv {

  /** Header of the label column written by {@link #write}. */
  public static final String LABEL_HEADER = "Churn Label";

  /** The IBM file's header of each feature it spells differently. */
  static final Map<String, String> IBM_HEADERS = Map.of(
      "internet_service", "Internet Service",
      "number_dependents", "Number of Dependents",
      "number_referrals", "Number of Referrals",
      "satisfaction_score", "Satisfaction Score",
      "tenure_in_months", "Tenure in Months",
      "total_long_distance_charges", "Total Long Distance Charges",
      "total_revenue", "Total Revenue",
      "contract", "Contract",
      "payment_method", "Payment Method");

  private static final List<String> LABEL_KEYS = List.of("churn_label", "churn");

  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9]+");

  private TelcoCsv() {}

  /**
   * Reads {@code csv} into training data with the features of {@code schema}. The source is the
   * file name and the hash is the SHA-256 of the file's bytes.
   *
   * @throws TelcoCsvException naming the line and column for a missing column, a wrong number of
   *     fields, or a value that is empty, malformed, out of range or an unknown category
   * @throws IOException if the file cannot be read
   */
  public static TrainingData read(Path csv, FeatureSchema schema) throws IOException {
    String name = csv.getFileName().toString();
    byte[] bytes = Files.readAllBytes(csv);
    List<String> lines = lines(name, bytes);
    List<String> header = fields(lines.getFirst(), name, 1);
    TelcoColumns columns = TelcoColumns.features(header, schema, name);
    int labelColumn = TelcoColumns.column(header, LABEL_KEYS, name, LABEL_HEADER);

    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    forEachRecord(lines, name, (lineNumber, cells) -> {
      rows.add(columns.row(cells, lineNumber));
      labels.add(label(cells.get(labelColumn), name, lineNumber, header.get(labelColumn)));
    });
    return new TrainingData(schema, rows.toArray(double[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray(), name, ModelVersion.sha256Hex(bytes));
  }

  /**
   * Reads {@code csv} as requests to score, one per data row in file order: the customer id from
   * the "Customer ID" column and the {@link FeatureSchema#telco()} features, read and checked as
   * {@link #read} does, so every request is one the server accepts. A label column is not needed.
   *
   * @throws TelcoCsvException naming the line and column for a missing column, a wrong number of
   *     fields, an empty customer id, or a value that is empty, malformed, out of range or an
   *     unknown category
   * @throws IOException if the file cannot be read
   */
  public static List<PredictRequest> readRequests(Path csv) throws IOException {
    FeatureSchema schema = FeatureSchema.telco();
    String name = csv.getFileName().toString();
    List<String> lines = lines(name, Files.readAllBytes(csv));
    List<String> header = fields(lines.getFirst(), name, 1);
    TelcoColumns columns = TelcoColumns.customers(header, schema, name);

    List<PredictRequest> requests = new ArrayList<>();
    forEachRecord(lines, name, (lineNumber, cells) -> {
      String customerId = columns.customerId(cells, lineNumber);
      requests.add(TelcoRequests.of(customerId, columns.row(cells, lineNumber)));
    });
    return List.copyOf(requests);
  }

  /**
   * Writes {@code data} in the IBM layout (IBM headers where known, "Churn Label" Yes/No, CRLF
   * between lines, none after the last), so that {@link #read} gives back the same rows.
   */
  public static void write(TrainingData data, Path csv) throws IOException {
    Files.write(csv, render(data.schema(), data.rows(), data.labels()));
  }

  /** The bytes {@link #write} produces. */
  static byte[] render(FeatureSchema schema, double[][] rows, int[] labels) {
    StringBuilder out = new StringBuilder(64 + rows.length * 16 * (schema.size() + 1));
    for (FeatureSpec feature : schema.features()) {
      out.append(header(feature)).append(',');
    }
    out.append(LABEL_HEADER);
    for (int i = 0; i < rows.length; i++) {
      out.append("\r\n");
      for (int j = 0; j < schema.size(); j++) {
        out.append(cell(schema.get(j), rows[i][j])).append(',');
      }
      out.append(labels[i] == 1 ? "Yes" : "No");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The column header {@link #write} gives {@code feature}: its IBM spelling where there is one. */
  static String header(FeatureSpec feature) {
    return quote(IBM_HEADERS.getOrDefault(feature.name(), feature.name()));
  }

  /** The cell {@link #write} gives {@code value} of {@code feature}: a level by name, a number plainly. */
  static String cell(FeatureSpec feature, double value) {
    return switch (feature.type()) {
      case INTEGER -> Long.toString((long) value);
      case REAL -> BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
      case CATEGORICAL -> quote(feature.levels().get((int) value));
    };
  }

  /**
   * A header in lower_snake_case: camelCase is split, everything but letters and digits becomes
   * one underscore, and leading or trailing underscores are dropped.
   */
  static String normalise(String header) {
    String split = CAMEL.matcher(header.strip()).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    String snake = NON_WORD.matcher(split).replaceAll("_");
    int start = 0;
    int end = snake.length();
    while (start < end && snake.charAt(start) == '_') {
      start++;
    }
    while (end > start && snake.charAt(end - 1) == '_') {
      end--;
    }
    return snake.substring(start, end);
  }

  /** The file's lines, without a byte order mark; fails unless it is UTF-8 with a header. */
  private static List<String> lines(String name, byte[] bytes) throws TelcoCsvException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TelcoCsvException(name, 1, null, "the file is not valid UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || lines.getFirst().isBlank()) {
      throw new TelcoCsvException(name, 1, null, "the header line is missing");
    }
    return lines;
  }

  /** What to do with the fields of one data line. */
  private interface Record {
    void accept(long lineNumber, List<String> cells) throws TelcoCsvException;
  }

  /**
   * Hands every non-empty data line, split into fields, to {@code record}; fails if there is none.
   */
  private static void forEachRecord(List<String> lines, String file, Record record)
      throws TelcoCsvException {
    int records = 0;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      long lineNumber = i + 1L;
      record.accept(lineNumber, fields(line, file, lineNumber));
      records++;
    }
    if (records == 0) {
      throw new TelcoCsvException(file, lines.size(), null, "the file has no data rows");
    }
  }

  private static int label(String raw, String file, long line, String column) throws TelcoCsvException {
    String cell = raw.strip();
    if (cell.equalsIgnoreCase("Yes")) {
      return 1;
    }
    if (cell.equalsIgnoreCase("No")) {
      return 0;
    }
    throw new TelcoCsvException(file, line, column, "'" + cell + "' is not Yes or No");
  }

  /** Splits one line into fields; a field may be double-quoted, with "" standing for a quote. */
  private static List<String> fields(String line, String file, long lineNumber) throws TelcoCsvException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new TelcoCsvException(file, lineNumber, null, "a quoted field is not closed");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new TelcoCsvException(
              file, lineNumber, null, "text after a closing quote at position " + (i + 1));
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          field.append(line.charAt(i++));
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= line.length()) {
        return fields;
      }
      i++;
    }
  }

  private static String quote(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
