package io.churnwire.training;

import io.churnwire.model.v1.FeatureReference;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distribution of each feature over the training rows, stored in the compiled model as the
 * reference that served traffic is later compared with: a categorical feature by level, a numeric
 * one in bins whose edges are the deciles of its training values (repeated deciles merged, so a
 * feature with few distinct values gets fewer bins).
 */
final class TrainingReference {
  private static final int BINS = 10;

  private TrainingReference() {}

  /** One reference per feature of {@code schema}, measured on the rows {@code index}. */
  static List<FeatureReference> of(FeatureSchema schema, double[][] rows, int[] index) {
    List<FeatureReference> result = new ArrayList<>();
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec feature = schema.get(j);
      double[] values = new double[index.length];
      for (int i = 0; i < index.length; i++) {
        values[i] = rows[index[i]][j];
      }
      double[] edges = feature.isCategorical() ? new double[0] : decileEdges(values);
      var reference = new io.churnwire.runtime.FeatureReference(edges,
          new double[feature.isCategorical() ? feature.levels().size() : edges.length + 1], index.length);
      double[] counts = new double[reference.frequencies().length];
      for (double value : values) {
        counts[reference.bin(value)]++;
      }
      FeatureReference.Builder message = FeatureReference.newBuilder().setRows(index.length);
      Arrays.stream(edges).forEach(message::addBinEdges);
      for (double count : counts) {
        message.addFrequencies(count / index.length);
      }
      result.add(message.build());
    }
    return List.copyOf(result);
  }

  private static double[] decileEdges(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] edges = new double[BINS - 1];
    int count = 0;
    for (int k = 1; k < BINS; k++) {
      double edge = sorted[Math.min(sorted.length - 1, (int) Math.ceil(k * sorted.length / (double) BINS) - 1)];
      if (count == 0 || edge > edges[count - 1]) {
        edges[count++] = edge;
      }
    }
    return Arrays.copyOf(edges, count);
  }
}
