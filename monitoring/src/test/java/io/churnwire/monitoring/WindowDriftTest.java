package io.churnwire.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureReference;
import io.churnwire.runtime.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowDriftTest {

  private static FeatureDrift drift(String name, DriftLevel level) {
    if (level == DriftLevel.NO_OBSERVATIONS) {
      return new FeatureDrift(name, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(), level);
    }
    double psi = switch (level) {
      case NONE -> 0.01;
      case MODERATE -> 0.2;
      default -> 0.5;
    };
    return new FeatureDrift(name, 100, 0, OptionalDouble.of(psi), OptionalDouble.of(0.1), level);
  }

  @Test
  void windowIsDriftedWhenTheDriftedShareOfAssessedFeaturesReachesTheThreshold() {
    List<FeatureDrift> features = List.of(drift("a", DriftLevel.DRIFTED), drift("b", DriftLevel.MODERATE),
        drift("c", DriftLevel.NONE), drift("d", DriftLevel.NO_OBSERVATIONS));

    WindowDrift half = new WindowDrift(features, new DriftOptions(0.1, 0.25, 1 / 3.0));
    WindowDrift strict = new WindowDrift(features, new DriftOptions(0.1, 0.25, 0.5));

    assertEquals(3, half.assessedFeatures());
    assertEquals(List.of(features.getFirst()), half.driftedFeatures());
    assertEquals(1 / 3.0, half.driftedShare().orElseThrow(), 1e-15);
    assertTrue(half.drifted());
    assertFalse(strict.drifted());
  }

  @Test
  void windowWithoutObservations_isNotDriftedAndHasNoShare() {
    WindowDrift window = new WindowDrift(
        List.of(drift("a", DriftLevel.NO_OBSERVATIONS), drift("b", DriftLevel.NO_OBSERVATIONS)), DriftOptions.DEFAULTS);

    assertTrue(window.driftedShare().isEmpty());
    assertFalse(window.drifted());
  }

  @Test
  void featureNamedTwice_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new WindowDrift(
        List.of(drift("a", DriftLevel.NONE), drift("a", DriftLevel.NONE)), DriftOptions.DEFAULTS));
  }

  @Test
  void measure_shiftedTenureAndSatisfaction_flagsThoseFeaturesAndLeavesTheOthersStable() {
    FeatureSchema schema = FeatureSchema.telco();
    Random random = new Random(7);
    double[][] training = telcoRows(random, 5000);
    List<FeatureReference> reference = reference(schema, training);
    double[][] served = telcoRows(random, 2000);
    for (double[] row : served) {
      row[4] *= 3;                              // tenure_in_months
      row[3] = Math.max(1, row[3] - 2);         // satisfaction_score
    }

    WindowDrift window = WindowDrift.measure(schema, reference, served, DriftOptions.DEFAULTS);

    assertEquals(schema.names(), window.features().stream().map(FeatureDrift::feature).toList());
    assertEquals(List.of("satisfaction_score", "tenure_in_months"),
        window.driftedFeatures().stream().map(FeatureDrift::feature).toList());
    for (String name : List.of("internet_service", "number_dependents", "number_referrals",
        "total_long_distance_charges", "total_revenue", "contract", "payment_method")) {
      FeatureDrift feature = window.feature(name).orElseThrow();
      assertEquals(DriftLevel.NONE, feature.level(), name + " " + feature);
    }
    assertEquals(2 / 9.0, window.driftedShare().orElseThrow(), 1e-15);
    assertFalse(window.drifted());
    assertTrue(new WindowDrift(window.features(), new DriftOptions(0.1, 0.25, 0.2)).drifted());
  }

  @Test
  void measure_fromBinnedCounts_equalsMeasuringTheRowsThemselves() {
    FeatureSchema schema = FeatureSchema.telco();
    Random random = new Random(11);
    List<FeatureReference> reference = reference(schema, telcoRows(random, 3000));
    double[][] served = telcoRows(random, 1000);
    for (double[] row : served) {
      row[4] *= 3;
    }
    List<BinnedCounts> counts = new ArrayList<>();
    for (int j = 0; j < schema.size(); j++) {
      double[] values = new double[served.length];
      for (int i = 0; i < served.length; i++) {
        values[i] = served[i][j];
      }
      counts.add(BinnedCounts.of(reference.get(j), values));
    }

    WindowDrift fromCounts = WindowDrift.measure(schema, reference, counts, DriftOptions.DEFAULTS);

    assertEquals(WindowDrift.measure(schema, reference, served, DriftOptions.DEFAULTS), fromCounts);
    assertEquals(List.of("tenure_in_months"),
        fromCounts.driftedFeatures().stream().map(FeatureDrift::feature).toList());
  }

  @Test
  void measure_countsNotMatchingTheSchema_areRejected() {
    FeatureSchema schema = FeatureSchema.telco();
    List<FeatureReference> reference = reference(schema, telcoRows(new Random(3), 500));

    assertThrows(IllegalArgumentException.class,
        () -> WindowDrift.measure(schema, reference, List.<BinnedCounts>of(), DriftOptions.DEFAULTS));
  }

  @Test
  void measure_referencesNotMatchingTheSchema_areRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> WindowDrift.measure(FeatureSchema.telco(), List.of(), new double[0][], DriftOptions.DEFAULTS));
  }

  private static List<FeatureReference> reference(FeatureSchema schema, double[][] rows) {
    List<FeatureReference> reference = new ArrayList<>();
    for (int j = 0; j < schema.size(); j++) {
      double[] values = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        values[i] = rows[i][j];
      }
      reference.add(schema.get(j).isCategorical()
          ? References.levels(schema.get(j).levels().size(), values)
          : References.deciles(values));
    }
    return reference;
  }

  /** Rows in the Telco schema's order, drawn independently per feature. */
  private static double[][] telcoRows(Random random, int n) {
    double[][] rows = new double[n][];
    double[] tenure = FeatureDriftTest.tenureLike(random, n);
    for (int i = 0; i < n; i++) {
      rows[i] = new double[] {
          random.nextDouble() < 0.78 ? 0 : 1,
          random.nextDouble() < 0.75 ? 0 : 1 + random.nextInt(3),
          random.nextDouble() < 0.55 ? 0 : 1 + random.nextInt(10),
          1 + random.nextInt(5),
          tenure[i],
          random.nextDouble() * 3500,
          random.nextDouble() * 11000,
          random.nextInt(3),
          random.nextInt(3)};
    }
    return rows;
  }
}
