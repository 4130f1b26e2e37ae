package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  private static final Map<String, String> IBM_HEADERS = Map.of(
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

  private static final String ID_HEADER = "Customer ID";
  private static final List<String> ID_KEYS = List.of("customer_id");

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+(\\.0*)?");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
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
    int[] columns = featureColumns(header, schema, name);
    int labelColumn = column(header, LABEL_KEYS, name, LABEL_HEADER);

    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    forEachRecord(lines, header, name, (lineNumber, cells) -> {
      rows.add(row(schema, columns, header, cells, name, lineNumber));
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
    int[] columns = featureColumns(header, schema, name);
    int idColumn = column(header, ID_KEYS, name, ID_HEADER);

    List<PredictRequest> requests = new ArrayList<>();
    forEachRecord(lines, header, name, (lineNumber, cells) -> {
      String customerId = cells.get(idColumn).strip();
      if (customerId.isEmpty()) {
        throw new TelcoCsvException(name, lineNumber, header.get(idColumn), "missing customer id");
      }
      requests.add(TelcoRequests.of(customerId, row(schema, columns, header, cells, name, lineNumber)));
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
      out.append(quote(IBM_HEADERS.getOrDefault(feature.name(), feature.name()))).append(',');
    }
    out.append(LABEL_HEADER);
    for (int i = 0; i < rows.length; i++) {
      out.append("\r\n");
      for (int j = 0; j < schema.size(); j++) {
        FeatureSpec feature = schema.get(j);
        double v = rows[i][j];
        String cell = switch (feature.type()) {
          case INTEGER -> Long.toString((long) v);
          case REAL -> BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
          case CATEGORICAL -> quote(feature.levels().get((int) v));
        };
        out.append(cell).append(',');
      }
      out.append(labels[i] == 1 ? "Yes" : "No");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
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

  /** The column of each feature of {@code schema}, by its name or its IBM header. */
  private static int[] featureColumns(List<String> header, FeatureSchema schema, String file)
      throws TelcoCsvException {
    int[] columns = new int[schema.size()];
    for (int j = 0; j < schema.size(); j++) {
      String feature = schema.get(j).name();
      List<String> keys = new ArrayList<>(List.of(feature));
      if (IBM_HEADERS.containsKey(feature)) {
        keys.add(normalise(IBM_HEADERS.get(feature)));
      }
      columns[j] = column(header, keys, file, feature);
    }
    return columns;
  }

  /** What to do with the fields of one data line. */
  private interface Record {
    void accept(long lineNumber, List<String> cells) throws TelcoCsvException;
  }

  /**
   * Hands every non-empty data line, split into as many fields as the header has, to
   * {@code record}; fails if there is none.
   */
  private static void forEachRecord(List<String> lines, List<String> header, String file, Record record)
      throws TelcoCsvException {
    int records = 0;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      long lineNumber = i + 1L;
      List<String> cells = fields(line, file, lineNumber);
      if (cells.size() != header.size()) {
        throw new TelcoCsvException(file, lineNumber, null,
            "has " + cells.size() + " fields, the header has " + header.size());
      }
      record.accept(lineNumber, cells);
      records++;
    }
    if (records == 0) {
      throw new TelcoCsvException(file, lines.size(), null, "the file has no data rows");
    }
  }

  private static double[] row(FeatureSchema schema, int[] columns, List<String> header,
      List<String> cells, String file, long line) throws TelcoCsvException {
    double[] row = new double[schema.size()];
    for (int j = 0; j < row.length; j++) {
      row[j] = value(schema.get(j), cells.get(columns[j]), file, line, header.get(columns[j]));
    }
    return row;
  }

  private static int column(List<String> header, List<String> keys, String file, String wanted)
      throws TelcoCsvException {
    Map<String, Integer> found = new HashMap<>();
    Set<String> duplicated = new HashSet<>();
    for (int c = 0; c < header.size(); c++) {
      String key = normalise(header.get(c));
      if (found.putIfAbsent(key, c) != null) {
        duplicated.add(key);
      }
    }
    for (String key : keys) {
      if (duplicated.contains(key)) {
        throw new TelcoCsvException(file, 1, wanted, "more than one column normalises to '" + key + "'");
      }
      Integer index = found.get(key);
      if (index != null) {
        return index;
      }
    }
    throw new TelcoCsvException(
        file, 1, wanted, "no column found; looked for headers normalising to " + keys);
  }

  private static double value(FeatureSpec feature, String raw, String file, long line, String column)
      throws TelcoCsvException {
    String cell = raw.strip();
    if (cell.isEmpty()) {
      throw new TelcoCsvException(file, line, column, "missing value, expected " + feature.domain());
    }
    double value;
    if (feature.isCategorical()) {
      value = feature.levelIndex(cell);
      if (value < 0) {
        throw new TelcoCsvException(file, line, column,
            "'" + cell + "' is not " + feature.domain() + " (case-insensitive)");
      }
      return value;
    }
    Pattern syntax = feature.type() == FeatureType.INTEGER ? INTEGER : DECIMAL;
    if (!syntax.matcher(cell).matches()) {
      throw new TelcoCsvException(file, line, column, "'" + cell + "' is not " + feature.domain());
    }
    value = Double.parseDouble(cell);
    if (!feature.accepts(value)) {
      throw new TelcoCsvException(file, line, column, "'" + cell + "' is not " + feature.domain());
    }
    return value;
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
