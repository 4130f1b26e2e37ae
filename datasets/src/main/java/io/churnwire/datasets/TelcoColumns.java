package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns of a customer file in the IBM Telco layout, bound to a model's features once from the
 * header, so that any reader (a whole file in memory, a CSV or Parquet stream of millions of rows)
 * turns each record into a row by position and checks it exactly as {@link TelcoCsv} does, with an
 * error that names the line and the column.
 *
 * <p>Headers are matched as {@link TelcoCsv} describes. Numbers are recognised without regular
 * expressions, since a bulk run reads every cell of every row. Immutable and thread-safe.
 */
public final class TelcoColumns {

  private static final String ID_HEADER = "Customer ID";
  private static final List<String> ID_KEYS = List.of("customer_id");

  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
      1e12, 1e13, 1e14, 1e15};

  private final FeatureSchema schema;
  private final List<String> header;
  private final String file;
  private final int[] columns;
  private final int idColumn;

  private TelcoColumns(FeatureSchema schema, List<String> header, String file, int[] columns, int idColumn) {
    this.schema = schema;
    this.header = header;
    this.file = file;
    this.columns = columns;
    this.idColumn = idColumn;
  }

  /**
   * The feature columns of {@code header} for {@code schema}.
   *
   * @throws TelcoCsvException (line 1) naming the feature whose column is missing or ambiguous
   */
  public static TelcoColumns features(List<String> header, FeatureSchema schema, String file)
      throws TelcoCsvException {
    return new TelcoColumns(schema, List.copyOf(header), file, featureColumns(header, schema, file), -1);
  }

  /**
   * As {@link #features}, plus the "Customer ID" column that every customer to score carries.
   *
   * @throws TelcoCsvException (line 1) also when there is no customer id column
   */
  public static TelcoColumns customers(List<String> header, FeatureSchema schema, String file)
      throws TelcoCsvException {
    return new TelcoColumns(schema, List.copyOf(header), file, featureColumns(header, schema, file),
        column(header, ID_KEYS, file, ID_HEADER));
  }

  /** The features rows are read into, in row order. */
  public FeatureSchema schema() {
    return schema;
  }

  /** How many fields every record has: the header's. */
  public int width() {
    return header.size();
  }

  /** The header as the file wrote it. */
  public List<String> header() {
    return header;
  }

  /**
   * The stripped customer id of {@code cells}.
   *
   * @throws TelcoCsvException if it is empty, or the record has the wrong number of fields
   * @throws IllegalStateException if these columns were bound without a customer id
   */
  public String customerId(List<String> cells, long line) throws TelcoCsvException {
    if (idColumn < 0) {
      throw new IllegalStateException("bound without a customer id column");
    }
    checkWidth(cells, line);
    String customerId = cells.get(idColumn).strip();
    if (customerId.isEmpty()) {
      throw new TelcoCsvException(file, line, header.get(idColumn), "missing customer id");
    }
    return customerId;
  }

  /**
   * Reads the features of {@code cells} into {@code out[offset .. offset + schema().size())}.
   *
   * @throws TelcoCsvException naming the line and column for a wrong number of fields or a value
   *     that is empty, malformed, out of range or an unknown category
   */
  public void read(List<String> cells, long line, double[] out, int offset) throws TelcoCsvException {
    checkWidth(cells, line);
    for (int j = 0; j < columns.length; j++) {
      out[offset + j] = value(schema.get(j), cells.get(columns[j]), line, header.get(columns[j]));
    }
  }

  /** {@link #read} into a new row. */
  public double[] row(List<String> cells, long line) throws TelcoCsvException {
    double[] row = new double[schema.size()];
    read(cells, line, row, 0);
    return row;
  }

  private void checkWidth(List<String> cells, long line) throws TelcoCsvException {
    if (cells.size() != header.size()) {
      throw new TelcoCsvException(file, line, null,
          "has " + cells.size() + " fields, the header has " + header.size());
    }
  }

  /** The column of each feature of {@code schema}, by its name or its IBM header. */
  private static int[] featureColumns(List<String> header, FeatureSchema schema, String file)
      throws TelcoCsvException {
    int[] columns = new int[schema.size()];
    for (int j = 0; j < schema.size(); j++) {
      String feature = schema.get(j).name();
      List<String> keys = new ArrayList<>(List.of(feature));
      if (TelcoCsv.IBM_HEADERS.containsKey(feature)) {
        keys.add(TelcoCsv.normalise(TelcoCsv.IBM_HEADERS.get(feature)));
      }
      columns[j] = column(header, keys, file, feature);
    }
    return columns;
  }

  /** The one column whose normalised header is the first of {@code keys} found. */
  static int column(List<String> header, List<String> keys, String file, String wanted)
      throws TelcoCsvException {
    Map<String, Integer> found = new HashMap<>();
    Set<String> duplicated = new HashSet<>();
    for (int c = 0; c < header.size(); c++) {
      String key = TelcoCsv.normalise(header.get(c));
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

  private double value(FeatureSpec feature, String raw, long line, String column) throws TelcoCsvException {
    String cell = raw.strip();
    if (cell.isEmpty()) {
      throw new TelcoCsvException(file, line, column, "missing value, expected " + feature.domain());
    }
    if (feature.isCategorical()) {
      int level = feature.levelIndex(cell);
      if (level < 0) {
        throw new TelcoCsvException(file, line, column,
            "'" + cell + "' is not " + feature.domain() + " (case-insensitive)");
      }
      return level;
    }
    boolean wellFormed = feature.type() == FeatureType.INTEGER ? isInteger(cell) : isDecimal(cell);
    double value = wellFormed ? parse(cell) : Double.NaN;
    if (!wellFormed || !feature.accepts(value)) {
      throw new TelcoCsvException(file, line, column, "'" + cell + "' is not " + feature.domain());
    }
    return value;
  }

  /** Whether {@code s} is {@code [+-]?\d+(\.0*)?}: an integer, perhaps written with zero decimals. */
  static boolean isInteger(String s) {
    int i = sign(s);
    int digits = digits(s, i);
    if (digits == i) {
      return false;
    }
    i = digits;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      while (i < s.length() && s.charAt(i) == '0') {
        i++;
      }
    }
    return i == s.length();
  }

  /** Whether {@code s} is {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?}: a plain decimal number. */
  static boolean isDecimal(String s) {
    int i = sign(s);
    int whole = digits(s, i);
    boolean hasWhole = whole > i;
    i = whole;
    if (i < s.length() && s.charAt(i) == '.') {
      int fraction = digits(s, i + 1);
      if (!hasWhole && fraction == i + 1) {
        return false;
      }
      i = fraction;
    } else if (!hasWhole) {
      return false;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int exponent = i + 1;
      if (exponent < s.length() && (s.charAt(exponent) == '+' || s.charAt(exponent) == '-')) {
        exponent++;
      }
      i = digits(s, exponent);
      if (i == exponent) {
        return false;
      }
    }
    return i == s.length();
  }

  /**
   * The value of a well-formed number, equal to {@link Double#parseDouble}: without an exponent and
   * with at most 15 digits it is the digits as an exact integer divided by an exact power of ten,
   * which one correctly rounded division gives exactly (Clinger's fast path); otherwise the JDK's.
   */
  static double parse(String s) {
    int i = sign(s);
    long digits = 0;
    int count = 0;
    int decimals = 0;
    boolean point = false;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        point = true;
      } else if (c >= '0' && c <= '9' && ++count <= 15) {
        digits = digits * 10 + (c - '0');
        decimals += point ? 1 : 0;
      } else {
        return Double.parseDouble(s);
      }
    }
    double value = digits / POWERS_OF_TEN[decimals];
    return s.charAt(0) == '-' ? -value : value;
  }

  private static int sign(String s) {
    return !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }
}
