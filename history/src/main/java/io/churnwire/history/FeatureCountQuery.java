package io.churnwire.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts the served values of feature columns in the store, all columns in one statement and one
 * pass over the predictions: each column becomes a bin number (or its level) and one grouping set
 * counts it, a last empty grouping set counts the predictions. A value is compared with the edges
 * as a double, in order, so one equal to an edge falls in the lower bin exactly as
 * {@code FeatureReference.bin} puts it. Only the nine feature columns may be named: the names are
 * put into the statement.
 */
final class FeatureCountQuery {
  /** The feature columns of the predictions table, each with whether it holds a level (else a number). */
  static final Map<String, Boolean> CATEGORICAL = Map.of(
      "internet_service", true,
      "number_dependents", false,
      "number_referrals", false,
      "satisfaction_score", false,
      "tenure_in_months", false,
      "total_long_distance_charges", false,
      "total_revenue", false,
      "contract", true,
      "payment_method", true);

  private final List<FeatureBinning> features;
  private final Conditions conditions;

  private FeatureCountQuery(List<FeatureBinning> features, Conditions conditions) {
    this.features = features;
    this.conditions = conditions;
  }

  /**
   * The count of {@code features} over the predictions {@code conditions} select.
   *
   * @throws IllegalArgumentException for a column that is not a feature column or is named twice,
   *     edges given for a categorical column or missing for a numeric one, or edges that are not
   *     ascending numbers
   */
  static FeatureCountQuery of(List<FeatureBinning> features, Conditions conditions) {
    Set<String> seen = new HashSet<>();
    for (FeatureBinning feature : features) {
      String column = feature.column();
      Boolean categorical = CATEGORICAL.get(column);
      if (categorical == null) {
        throw new IllegalArgumentException("not a feature column: '" + column + "' (one of "
            + new TreeMap<>(CATEGORICAL).keySet() + ")");
      }
      if (!seen.add(column)) {
        throw new IllegalArgumentException("feature column " + column + " is asked for twice");
      }
      if (categorical && !feature.categorical()) {
        throw new IllegalArgumentException(column + " holds levels and is counted by level, without bin edges");
      }
      if (!categorical && feature.categorical()) {
        throw new IllegalArgumentException(column + " holds numbers and needs at least one bin edge");
      }
      double[] edges = feature.binEdges();
      for (int i = 0; i < edges.length; i++) {
        if (Double.isNaN(edges[i]) || i > 0 && edges[i] < edges[i - 1]) {
          throw new IllegalArgumentException("bin edges of " + column + " must be ascending numbers, got "
              + Arrays.toString(edges));
        }
      }
    }
    return new FeatureCountQuery(List.copyOf(features), conditions);
  }

  /** The statement, with the edges of each numeric column as parameters before the conditions'. */
  String sql() {
    if (features.isEmpty()) {
      return "SELECT count(*) FROM predictions" + conditions.where();
    }
    List<String> keys = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      keys.add("k" + i);
      expressions.add(key(features.get(i)) + " AS k" + i);
    }
    return "SELECT " + String.join(", ", keys.stream().map(key -> "GROUPING(" + key + ")").toList()) + ", "
        + String.join(", ", keys) + ", count(*) FROM (SELECT " + String.join(", ", expressions)
        + " FROM predictions" + conditions.where() + ") served GROUP BY GROUPING SETS ("
        + String.join(", ", keys.stream().map(key -> "(" + key + ")").toList()) + ", ())";
  }

  /** Runs the statement on {@code connection}. */
  ServedFeatures run(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql())) {
      int index = 1;
      for (FeatureBinning feature : features) {
        for (double edge : feature.binEdges()) {
          statement.setDouble(index++, edge);
        }
      }
      conditions.bind(statement, index);
      try (ResultSet row = statement.executeQuery()) {
        return features.isEmpty() ? total(row) : counts(row);
      }
    }
  }

  private static ServedFeatures total(ResultSet row) throws SQLException {
    row.next();
    return new ServedFeatures(row.getLong(1), Map.of());
  }

  private ServedFeatures counts(ResultSet row) throws SQLException {
    int size = features.size();
    List<long[]> bins = new ArrayList<>();
    List<Map<String, Long>> levels = new ArrayList<>();
    long[] missing = new long[size];
    for (FeatureBinning feature : features) {
      bins.add(new long[feature.categorical() ? 0 : feature.binEdges().length + 1]);
      levels.add(new HashMap<>());
    }
    long predictions = 0;
    while (row.next()) {
      long count = row.getLong(2 * size + 1);
      int column = groupedColumn(row, size);
      if (column < 0) {
        predictions = count;
      } else if (features.get(column).categorical()) {
        String level = row.getString(size + 1 + column);
        if (level == null) {
          missing[column] = count;
        } else {
          levels.get(column).put(level, count);
        }
      } else {
        int bin = row.getInt(size + 1 + column);
        if (row.wasNull()) {
          missing[column] = count;
        } else {
          bins.get(column)[bin] = count;
        }
      }
    }
    Map<String, FeatureCounts> columns = new HashMap<>();
    for (int i = 0; i < size; i++) {
      columns.put(features.get(i).column(), new FeatureCounts(bins.get(i), levels.get(i), missing[i]));
    }
    return new ServedFeatures(predictions, columns);
  }

  /** The column this row's grouping set counts, or -1 for the set that counts every prediction. */
  private static int groupedColumn(ResultSet row, int size) throws SQLException {
    for (int i = 0; i < size; i++) {
      if (row.getInt(i + 1) == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The bin number of a numeric column, null where it has no value; a categorical column itself. */
  private static String key(FeatureBinning feature) {
    String column = feature.column();
    if (feature.categorical()) {
      return column;
    }
    String value = "CAST(" + column + " AS DOUBLE PRECISION)";
    StringBuilder sql = new StringBuilder("CASE WHEN ").append(column).append(" IS NULL THEN NULL");
    int edges = feature.binEdges().length;
    for (int i = 0; i < edges; i++) {
      sql.append(" WHEN ").append(value).append(" <= CAST(? AS DOUBLE PRECISION) THEN ").append(i);
    }
    return sql.append(" ELSE ").append(edges).append(" END").toString();
  }
}
