package io.churnwire.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureReference;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureDriftTest {

  private static FeatureReference categorical(double... frequencies) {
    return new FeatureReference(new double[0], frequencies, 1000);
  }

  private static BinnedCounts counts(long... counts) {
    return new BinnedCounts(counts, 0);
  }

  @Test
  void identicalDistributions_haveZeroPsiAndZeroDistance() {
    FeatureDrift drift = FeatureDrift.measure("f", categorical(0.2, 0.3, 0.5), counts(20, 30, 50));

    assertEquals(0, drift.psi().orElseThrow(), 1e-15);
    assertEquals(0, drift.jensenShannon().orElseThrow(), 1e-7);
    assertEquals(DriftLevel.NONE, drift.level());
    assertEquals(100, drift.observations());
  }

  @Test
  void handComputedCase_psiIsQuarterLnThreeAndDistanceMatches() {
    // e = (1/2, 1/2), o = (1/4, 3/4): (-1/4) ln(1/2) + (1/4) ln(3/2) = ln(3) / 4.
    FeatureDrift drift = FeatureDrift.measure("f", categorical(0.5, 0.5), counts(1, 3));

    assertEquals(Math.log(3) / 4, drift.psi().orElseThrow(), 1e-15);
    assertEquals(0.27465307216702745, drift.psi().orElseThrow(), 1e-15);
    // sqrt of the base-2 JS divergence, computed independently.
    assertEquals(0.22089576884901735, drift.jensenShannon().orElseThrow(), 1e-15);
    assertEquals(DriftLevel.DRIFTED, drift.level());
  }

  @Test
  void disjointDistributions_haveDistanceOneAndFinitePsi() {
    FeatureDrift drift = FeatureDrift.measure("f", categorical(1, 0), counts(0, 40));

    assertEquals(1, drift.jensenShannon().orElseThrow(), 1e-15);
    // Both bins empty on one side: 2 (1 - 1e-4) ln(1e4).
    assertEquals(2 * (1 - 1e-4) * Math.log(1e4), drift.psi().orElseThrow(), 1e-12);
    assertEquals(DriftLevel.DRIFTED, drift.level());
  }

  @Test
  void referenceWithZeroFrequencyBin_staysFiniteAndIgnoresTheBinWhenServedAlsoLeaveItEmpty() {
    FeatureReference reference = categorical(0.5, 0.5, 0);

    FeatureDrift same = FeatureDrift.measure("f", reference, counts(50, 50, 0));
    FeatureDrift intoEmptyBin = FeatureDrift.measure("f", reference, counts(45, 45, 10));

    assertEquals(0, same.psi().orElseThrow(), 1e-15);
    assertEquals(0, same.jensenShannon().orElseThrow(), 1e-7);
    // 2 (0.45 - 0.5) ln(0.9) + (0.1 - 1e-4) ln(0.1 / 1e-4)
    assertEquals(0.7006208039360982, intoEmptyBin.psi().orElseThrow(), 1e-12);
    assertEquals(DriftLevel.DRIFTED, intoEmptyBin.level());
  }

  @Test
  void noObservations_isReportedAsSuchWithoutNumbers() {
    FeatureReference reference = categorical(0.5, 0.5);

    FeatureDrift drift = FeatureDrift.measure("contract", reference, BinnedCounts.empty(reference));

    assertEquals(DriftLevel.NO_OBSERVATIONS, drift.level());
    assertTrue(drift.psi().isEmpty());
    assertTrue(drift.jensenShannon().isEmpty());
    assertTrue(drift.unseenShare().isEmpty());
    assertEquals(0, drift.observations());
  }

  @Test
  void levelUnseenInTraining_isReportedAsUnseenShareAndCountsAsDrift() {
    FeatureReference reference = categorical(0.2, 0.3, 0.5);
    double[] values = new double[200];
    Arrays.fill(values, 0, 20, 0);
    Arrays.fill(values, 20, 50, 1);
    Arrays.fill(values, 50, 100, 2);
    Arrays.fill(values, 100, 200, -1);

    FeatureDrift drift = FeatureDrift.measure("contract", reference, BinnedCounts.of(reference, values));

    assertEquals(100, drift.unseen());
    assertEquals(0.5, drift.unseenShare().orElseThrow());
    // Seen bins at half their share: 3 terms (e/2 - e) ln(1/2); the unseen bin (0.5 - 1e-4) ln(0.5 / 1e-4).
    double expected = 0.5 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    assertEquals(expected, drift.psi().orElseThrow(), 1e-12);
    assertEquals(DriftLevel.DRIFTED, drift.level());
  }

  @Test
  void levelsAreReadFromPsiWithConfigurableDriftedThreshold() {
    FeatureReference reference = categorical(0.5, 0.5);
    BinnedCounts quarterLnThree = counts(1, 3);

    assertEquals(DriftLevel.DRIFTED,
        FeatureDrift.measure("f", reference, quarterLnThree, DriftOptions.DEFAULTS).level());
    assertEquals(DriftLevel.MODERATE,
        FeatureDrift.measure("f", reference, quarterLnThree, DriftOptions.DEFAULTS.withDriftedPsi(0.3)).level());
  }

  @Test
  void observedBinsOtherThanTheReference_areRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> FeatureDrift.measure("f", categorical(0.5, 0.5), counts(1, 2, 3)));
  }

  @Test
  void property_onRandomDistributions_psiIsNonNegativeAndSymmetricAndDistanceInUnitInterval() {
    Random random = new Random(13);
    for (int trial = 0; trial < 2000; trial++) {
      int bins = 2 + random.nextInt(12);
      double[] frequencies = new double[bins];
      long[] observed = new long[bins];
      for (int i = 0; i < bins; i++) {
        frequencies[i] = random.nextInt(4) == 0 ? 0 : random.nextDouble();
        observed[i] = random.nextInt(3) == 0 ? 0 : random.nextInt(1000);
      }
      frequencies[random.nextInt(bins)] += 0.01;
      observed[random.nextInt(bins)]++;

      FeatureDrift drift = FeatureDrift.measure("f", categorical(frequencies),
          new BinnedCounts(observed, random.nextInt(3) == 0 ? random.nextInt(50) : 0));

      double psi = drift.psi().orElseThrow();
      double js = drift.jensenShannon().orElseThrow();
      assertTrue(psi >= 0 && Double.isFinite(psi), "PSI " + psi);
      assertTrue(js >= 0 && js <= 1, "JS distance " + js);
      double[] p = shares(frequencies);
      double[] q = shares(Arrays.stream(observed).asDoubleStream().toArray());
      assertEquals(FeatureDrift.populationStabilityIndex(p, q), FeatureDrift.populationStabilityIndex(q, p), 1e-12);
      assertEquals(FeatureDrift.jensenShannonDistance(p, q), FeatureDrift.jensenShannonDistance(q, p), 1e-12);
    }
  }

  @Test
  void realisticCase_sampleOfTheTrainingDistributionIsStableAndTripledValuesAreDrifted() {
    Random random = new Random(42);
    double[] training = tenureLike(random, 5000);
    FeatureReference reference = References.deciles(training);
    double[] served = tenureLike(random, 2000);
    double[] tripled = Arrays.stream(served).map(v -> v * 3).toArray();

    FeatureDrift stable = FeatureDrift.measure("tenure_in_months", reference, BinnedCounts.of(reference, served));
    FeatureDrift shifted = FeatureDrift.measure("tenure_in_months", reference, BinnedCounts.of(reference, tripled));

    assertTrue(stable.psi().orElseThrow() < 0.1, "PSI of a fresh sample " + stable.psi());
    assertEquals(DriftLevel.NONE, stable.level());
    assertTrue(shifted.psi().orElseThrow() > 0.25, "PSI of tripled values " + shifted.psi());
    assertEquals(DriftLevel.DRIFTED, shifted.level());
    assertTrue(shifted.jensenShannon().orElseThrow() > stable.jensenShannon().orElseThrow());
  }

  /** Whole months, many new customers and a long tail, as tenure is distributed. */
  static double[] tenureLike(Random random, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = Math.min(72, Math.floor(-18 * Math.log(1 - random.nextDouble())));
    }
    return values;
  }

  private static double[] shares(double[] weights) {
    double sum = Arrays.stream(weights).sum();
    return Arrays.stream(weights).map(w -> w / sum).toArray();
  }
}
