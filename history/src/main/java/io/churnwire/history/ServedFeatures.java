package io.churnwire.history;

import java.util.Map;

/**
 * The feature values of the predictions in one window, counted per column: what drift compares with
 * a model's training reference, computed in the store rather than read row by row.
 *
 * @param predictions predictions in the window
 * @param columns counts per column asked for
 */
public record ServedFeatures(long predictions, Map<String, FeatureCounts> columns) {
  public ServedFeatures {
    columns = Map.copyOf(columns);
  }
}
