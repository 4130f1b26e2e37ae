package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A labelled training set, validated against its schema so that training never sees a value the
 * server would reject. Arrays are copied in and out, which keeps the record immutable.
 *
 * @param schema the features, in row order
 * @param rows one row per customer, values in schema order (categorical values as level index)
 * @param labels one label per row: 1 = churned, 0 = stayed
 * @param source where the data came from, for example a file name
 * @param sha256 lower-case hex SHA-256 identifying the source data
 */
public record TrainingData(
    FeatureSchema schema, double[][] rows, int[] labels, String source, String sha256) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Validates shapes, labels and every value; messages name the row and feature. */
  public TrainingData {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha256, "sha256");
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: '" + sha256 + "'");
    }
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(
          "rows and labels differ in length: " + rows.length + " != " + labels.length);
    }
    double[][] copy = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[i];
      if (row == null || row.length != schema.size()) {
        throw new IllegalArgumentException("row " + i + " has "
            + (row == null ? "no values" : row.length + " values") + ", expected " + schema.size());
      }
      for (int j = 0; j < row.length; j++) {
        FeatureSpec feature = schema.get(j);
        if (!feature.accepts(row[j])) {
          throw new IllegalArgumentException("row " + i + ", feature " + feature.name() + ": "
              + row[j] + " is not " + feature.domain());
        }
      }
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("row " + i + " has label " + labels[i] + ", expected 0 or 1");
      }
      copy[i] = row.clone();
    }
    rows = copy;
    labels = labels.clone();
  }

  /** A deep copy of the rows. */
  @Override
  public double[][] rows() {
    double[][] copy = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /** A copy of the labels. */
  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** The number of rows. */
  public int size() {
    return rows.length;
  }

  /** The value of feature {@code feature} in row {@code row}, without copying. */
  public double value(int row, int feature) {
    return rows[row][feature];
  }

  /** The label of row {@code row}: 1 = churned. */
  public int label(int row) {
    return labels[row];
  }

  /** The number of churned rows. */
  public int positives() {
    int count = 0;
    for (int label : labels) {
      count += label;
    }
    return count;
  }

  /** The fraction of churned rows, or NaN for an empty set. */
  public double churnRate() {
    return rows.length == 0 ? Double.NaN : (double) positives() / rows.length;
  }

  /**
   * The same rows restricted to the features of {@code subset}, which must be a selection of this
   * schema (see {@link FeatureSchema#select}). Source and hash stay those of the original data.
   */
  public TrainingData project(FeatureSchema subset) {
    int[] columns = new int[subset.size()];
    for (int j = 0; j < columns.length; j++) {
      FeatureSpec wanted = subset.get(j);
      columns[j] = schema.indexOf(wanted.name());
      if (columns[j] < 0 || !schema.get(columns[j]).equals(wanted)) {
        throw new IllegalArgumentException(
            "feature " + wanted.name() + " is not part of this data's schema " + schema.names());
      }
    }
    double[][] projected = new double[rows.length][columns.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < columns.length; j++) {
        projected[i][j] = rows[i][columns[j]];
      }
    }
    return new TrainingData(subset, projected, labels, source, sha256);
  }

  /** Content equality, comparing the arrays element by element. */
  @Override
  public boolean equals(Object other) {
    return other instanceof TrainingData that
        && schema.equals(that.schema)
        && Arrays.deepEquals(rows, that.rows)
        && Arrays.equals(labels, that.labels)
        && source.equals(that.source)
        && sha256.equals(that.sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schema, Arrays.deepHashCode(rows), Arrays.hashCode(labels), source, sha256);
  }

  @Override
  public String toString() {
    return "TrainingData[source=" + source + ", sha256=" + sha256 + ", rows=" + rows.length
        + ", positives=" + positives() + ", features=" + schema.names() + "]";
  }
}
