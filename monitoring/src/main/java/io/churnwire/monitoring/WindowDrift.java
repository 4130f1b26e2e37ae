package io.churnwire.monitoring;

import io.churnwire.runtime.FeatureReference;
import io.churnwire.runtime.FeatureSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The drift of every feature in one window of served traffic, and whether the window as a whole
 * is drifted: when at least {@link DriftOptions#driftedFeatureShare} of the features that had
 * observations are drifted. One drifted feature out of many is a reason to look; a window drifted
 * as a whole is a reason to retrain.
 *
 * @param features the drift of each feature, in the order given (schema order from
 *     {@link #measure})
 * @param options the thresholds the levels and the window's verdict were read with
 */
public record WindowDrift(List<FeatureDrift> features, DriftOptions options) {

  /** Copies the list and checks that feature names are unique. */
  public WindowDrift {
    features = List.copyOf(features);
    Objects.requireNonNull(options, "options");
    Set<String> names = new HashSet<>();
    for (FeatureDrift feature : features) {
      if (!names.add(feature.feature())) {
        throw new IllegalArgumentException("feature " + feature.feature() + " appears twice in a window");
      }
    }
  }

  /**
   * The drift of served {@code rows} from the training {@code reference} of a model.
   *
   * @param schema the model's features; a row holds one value per feature in this order
   * @param reference one training reference per feature of {@code schema}, in the same order
   *     (as {@code CompiledModel.trainingReference()} gives them)
   * @param rows the served rows of the window
   */
  public static WindowDrift measure(
      FeatureSchema schema, List<FeatureReference> reference, double[][] rows, DriftOptions options) {
    if (reference.size() != schema.size()) {
      throw new IllegalArgumentException(
          reference.size() + " training references for " + schema.size() + " features");
    }
    List<FeatureDrift> features = new ArrayList<>(schema.size());
    for (int j = 0; j < schema.size(); j++) {
      double[] values = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i].length != schema.size()) {
          throw new IllegalArgumentException(
              "row " + i + " has " + rows[i].length + " values for " + schema.size() + " features");
        }
        values[i] = rows[i][j];
      }
      String name = schema.get(j).name();
      FeatureReference featureReference = reference.get(j);
      features.add(FeatureDrift.measure(
          name, featureReference, BinnedCounts.of(featureReference, values), options));
    }
    return new WindowDrift(features, options);
  }

  /**
   * The drift of served values already counted into the bins of the training {@code reference},
   * as a store that counts per bin returns them, so that a window is measured without reading its
   * rows.
   *
   * @param schema the model's features
   * @param reference one training reference per feature of {@code schema}, in the same order
   * @param observed the served values of each feature in the bins of its reference, in the same
   *     order
   */
  public static WindowDrift measure(FeatureSchema schema, List<FeatureReference> reference,
      List<BinnedCounts> observed, DriftOptions options) {
    if (reference.size() != schema.size() || observed.size() != schema.size()) {
      throw new IllegalArgumentException(reference.size() + " training references and " + observed.size()
          + " observed counts for " + schema.size() + " features");
    }
    List<FeatureDrift> features = new ArrayList<>(schema.size());
    for (int j = 0; j < schema.size(); j++) {
      features.add(FeatureDrift.measure(schema.get(j).name(), reference.get(j), observed.get(j), options));
    }
    return new WindowDrift(features, options);
  }

  /** The features that had observations in the window. */
  public long assessedFeatures() {
    return features.stream().filter(f -> f.level() != DriftLevel.NO_OBSERVATIONS).count();
  }

  /** The features that are drifted. */
  public List<FeatureDrift> driftedFeatures() {
    return features.stream().filter(FeatureDrift::drifted).toList();
  }

  /** Drifted features over assessed ones; empty when no feature had observations. */
  public OptionalDouble driftedShare() {
    long assessed = assessedFeatures();
    return assessed == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(driftedFeatures().size() / (double) assessed);
  }

  /**
   * Whether the window is drifted: some feature had observations and the drifted share reaches
   * {@link DriftOptions#driftedFeatureShare}. A window without observations is not drifted; ask
   * {@link #driftedShare} to tell it from a stable one.
   */
  public boolean drifted() {
    OptionalDouble share = driftedShare();
    return share.isPresent() && share.getAsDouble() >= options.driftedFeatureShare();
  }

  /** The drift of the feature called {@code name}, if the window has it. */
  public Optional<FeatureDrift> feature(String name) {
    return features.stream().filter(f -> f.feature().equals(name)).findFirst();
  }
}
