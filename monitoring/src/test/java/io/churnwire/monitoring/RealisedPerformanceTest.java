package io.churnwire.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smile.validation.metric.AUC;
import smile.validation.metric.FScore;
import smile.validation.metric.MSE;
import smile.validation.metric.Precision;
import smile.validation.metric.Recall;

class RealisedPerformanceTest {

  private static RealisedPerformance measure(double[] probabilities, boolean... churned) {
    return RealisedPerformance.of(probabilities, churned, 0.5);
  }

  private static double value(OptionalDouble measure) {
    return measure.orElseThrow(() -> new AssertionError("measure is undefined"));
  }

  @Test
  void perfectlySeparatingScores_haveRocAucAndAveragePrecisionOne() {
    RealisedPerformance performance =
        measure(new double[] {0.9, 0.8, 0.3, 0.2, 0.1}, true, true, false, false, false);

    assertEquals(1, value(performance.rocAuc()));
    assertEquals(1, value(performance.prAuc()));
    assertEquals(1, value(performance.precision()));
    assertEquals(1, value(performance.recall()));
    assertEquals(1, value(performance.f1()));
  }

  @Test
  void reversedScores_haveRocAucZero() {
    RealisedPerformance performance =
        measure(new double[] {0.1, 0.2, 0.7, 0.8, 0.9}, true, true, false, false, false);

    assertEquals(0, value(performance.rocAuc()));
  }

  @Test
  void allScoresTied_haveRocAucHalfAndAveragePrecisionTheChurnRate() {
    RealisedPerformance performance =
        measure(new double[] {0.4, 0.4, 0.4, 0.4}, true, false, false, false);

    assertEquals(0.5, value(performance.rocAuc()));
    assertEquals(0.25, value(performance.prAuc()));
  }

  @Test
  void scikitLearnDocumentationExample_givesItsRocAucAndAveragePrecision() {
    // roc_auc_score and average_precision_score docs: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8].
    RealisedPerformance performance =
        measure(new double[] {0.1, 0.4, 0.35, 0.8}, false, false, true, true);

    assertEquals(0.75, value(performance.rocAuc()), 1e-15);
    assertEquals(0.8333333333333333, value(performance.prAuc()), 1e-15);
  }

  @Test
  void handComputedCaseWithTies_tiesCountHalfInRocAucAndEnterTogetherInAveragePrecision() {
    // Pairs (churner, stayer): 0.9~0.9 half, 0.9>0.1, 0.5<0.9, 0.5>0.1 -> 2.5 / 4.
    // Thresholds 0.9: P = 1/2, R = 1/2; 0.5: P = 2/3, R = 1 -> AP = 1/2 * 1/2 + 1/2 * 2/3.
    RealisedPerformance performance =
        measure(new double[] {0.9, 0.9, 0.5, 0.1}, true, false, true, false);

    assertEquals(0.625, value(performance.rocAuc()), 1e-15);
    assertEquals(0.25 + 1 / 3.0, value(performance.prAuc()), 1e-15);
  }

  @Test
  void rocAuc_onRandomData_equalsSmileWithin1e12() {
    Random random = new Random(2026);
    for (int trial = 0; trial < 20; trial++) {
      int n = 200 + random.nextInt(2000);
      double[] probabilities = new double[n];
      boolean[] churned = new boolean[n];
      int[] truth = new int[n];
      for (int i = 0; i < n; i++) {
        probabilities[i] = random.nextDouble();
        churned[i] = random.nextDouble() < 0.2 + 0.5 * probabilities[i];
        truth[i] = churned[i] ? 1 : 0;
      }

      RealisedPerformance performance = RealisedPerformance.of(probabilities, churned, 0.5);

      assertEquals(AUC.of(truth, probabilities), value(performance.rocAuc()), 1e-12);
    }
  }

  @Test
  void rocAuc_onRandomDataWithManyTies_equalsSmileWithin1e12() {
    Random random = new Random(1);
    int n = 2000;
    double[] probabilities = new double[n];
    boolean[] churned = new boolean[n];
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      probabilities[i] = random.nextInt(11) / 10.0;
      churned[i] = random.nextDouble() < 0.2 + 0.5 * probabilities[i];
      truth[i] = churned[i] ? 1 : 0;
    }

    RealisedPerformance performance = RealisedPerformance.of(probabilities, churned, 0.5);

    assertEquals(AUC.of(truth, probabilities), value(performance.rocAuc()), 1e-12);
  }

  @Test
  void precisionRecallF1AndBrier_onRandomData_equalSmile() {
    Random random = new Random(99);
    int n = 3000;
    double[] probabilities = new double[n];
    boolean[] churned = new boolean[n];
    int[] truth = new int[n];
    double[] outcome = new double[n];
    int[] predicted = new int[n];
    double threshold = 0.37;
    for (int i = 0; i < n; i++) {
      probabilities[i] = Math.round(random.nextDouble() * 100) / 100.0;
      churned[i] = random.nextDouble() < probabilities[i];
      truth[i] = churned[i] ? 1 : 0;
      outcome[i] = truth[i];
      predicted[i] = probabilities[i] >= threshold ? 1 : 0;
    }

    RealisedPerformance performance = RealisedPerformance.of(probabilities, churned, threshold);

    assertEquals(Precision.of(truth, predicted), value(performance.precision()), 1e-12);
    assertEquals(Recall.of(truth, predicted), value(performance.recall()), 1e-12);
    assertEquals(FScore.F1.score(truth, predicted), value(performance.f1()), 1e-12);
    assertEquals(MSE.of(outcome, probabilities), value(performance.brierScore()), 1e-12);
  }

  @Test
  void property_onRandomData_measuresInRangeAndRocAucOfComplementIsComplement() {
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(300);
      boolean coarse = random.nextBoolean();
      double[] probabilities = new double[n];
      double[] complement = new double[n];
      boolean[] churned = new boolean[n];
      for (int i = 0; i < n; i++) {
        // Coarse probabilities make many ties.
        probabilities[i] = coarse ? random.nextInt(6) / 5.0 : random.nextDouble();
        complement[i] = 1 - probabilities[i];
        churned[i] = random.nextDouble() < 0.3;
      }

      RealisedPerformance performance = RealisedPerformance.of(probabilities, churned, 0.5);
      RealisedPerformance reversed = RealisedPerformance.of(complement, churned, 0.5);

      if (performance.positives() > 0 && performance.negatives() > 0) {
        double auc = value(performance.rocAuc());
        assertTrue(auc >= 0 && auc <= 1, "ROC AUC " + auc);
        assertEquals(1 - auc, value(reversed.rocAuc()), 1e-12);
      } else {
        assertTrue(performance.rocAuc().isEmpty());
      }
      performance.prAuc().ifPresent(ap -> assertTrue(ap > 0 && ap <= 1 + 1e-12, "AP " + ap));
      double brier = value(performance.brierScore());
      assertTrue(brier >= 0 && brier <= 1, "Brier " + brier);
      assertEquals(n, performance.calibration().stream().mapToLong(CalibrationBin::count).sum());
      performance.topDecileLift().ifPresent(lift -> assertTrue(lift >= 0, "lift " + lift));
    }
  }

  @Test
  void brierScore_isTheMeanSquaredErrorOfTheProbabilities() {
    RealisedPerformance performance = measure(new double[] {0.9, 0.2, 0.5}, true, false, true);

    // (0.1^2 + 0.2^2 + 0.5^2) / 3
    assertEquals((0.01 + 0.04 + 0.25) / 3, value(performance.brierScore()), 1e-15);
  }

  @Test
  void decision_isProbabilityAtLeastTheThreshold() {
    RealisedPerformance performance = RealisedPerformance.of(
        new double[] {0.5, 0.5, 0.49, 0.2}, new boolean[] {true, false, true, false}, 0.5);

    assertEquals(new ConfusionCounts(1, 1, 1, 1), performance.confusion());
    assertEquals(0.5, value(performance.precision()));
    assertEquals(0.5, value(performance.recall()));
    assertEquals(0.5, value(performance.f1()));
  }

  @Test
  void topDecileLift_isTheTopTenPercentChurnRateOverTheOverallRate() {
    // 20 outcomes, 4 churners: rate 0.2. Top 2 by probability: both churners -> rate 1, lift 5.
    double[] probabilities = new double[20];
    boolean[] churned = new boolean[20];
    for (int i = 0; i < 20; i++) {
      probabilities[i] = (20 - i) / 20.0;
      churned[i] = i == 0 || i == 1 || i == 10 || i == 15;
    }

    RealisedPerformance performance = RealisedPerformance.of(probabilities, churned, 0.5);

    assertEquals(5, value(performance.topDecileLift()), 1e-12);
  }

  @Test
  void topDecileLift_tiesAtTheCutSharePlacesProRataWhateverTheOrder() {
    // 20 outcomes, 4 churners, cut 2: 0.9 (churner) takes 1 place; the three at 0.8 (1 churner)
    // share the last place, adding 1/3 of a churner. Top rate (4/3) / 2, over 0.2 -> 10/3.
    List<ScoredOutcome> outcomes = new ArrayList<>();
    outcomes.add(new ScoredOutcome(0.9, true));
    outcomes.add(new ScoredOutcome(0.8, true));
    outcomes.add(new ScoredOutcome(0.8, false));
    outcomes.add(new ScoredOutcome(0.8, false));
    for (int i = 0; i < 16; i++) {
      outcomes.add(new ScoredOutcome(0.1, i < 2));
    }

    double lift = value(RealisedPerformance.of(outcomes, 0.5).topDecileLift());
    Random random = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      Collections.shuffle(outcomes, random);
      assertEquals(lift, value(RealisedPerformance.of(outcomes, 0.5).topDecileLift()));
    }

    assertEquals(10 / 3.0, lift, 1e-12);
  }

  @Test
  void topDecileLift_allProbabilitiesTied_isOne() {
    double[] probabilities = new double[37];
    boolean[] churned = new boolean[37];
    java.util.Arrays.fill(probabilities, 0.3);
    for (int i = 0; i < 37; i += 4) {
      churned[i] = true;
    }

    assertEquals(1, value(RealisedPerformance.of(probabilities, churned, 0.5).topDecileLift()), 1e-12);
  }

  @Test
  void calibration_hasTenEqualWidthBinsWithMeansAndCountsAddingUpToN() {
    RealisedPerformance performance = measure(
        new double[] {0.05, 0.15, 0.15, 0.1, 1.0, 0.95},
        false, true, false, false, true, true);

    List<CalibrationBin> bins = performance.calibration();

    assertEquals(10, bins.size());
    assertEquals(6, bins.stream().mapToLong(CalibrationBin::count).sum());
    assertEquals(new CalibrationBin(0, 0.1, 1, OptionalDouble.of(0.05), OptionalDouble.of(0)), bins.get(0));
    assertEquals(3, bins.get(1).count());
    assertEquals((0.15 + 0.15 + 0.1) / 3, value(bins.get(1).meanPredicted()), 1e-15);
    assertEquals(1 / 3.0, value(bins.get(1).observedRate()), 1e-15);
    assertEquals(new CalibrationBin(0.2, 0.3, 0, OptionalDouble.empty(), OptionalDouble.empty()), bins.get(2));
    assertEquals(2, bins.get(9).count());
    assertEquals(0.975, value(bins.get(9).meanPredicted()), 1e-15);
    assertEquals(1, value(bins.get(9).observedRate()));
    assertEquals(0.9, bins.get(9).lower());
    assertEquals(1.0, bins.get(9).upper());
  }

  @Test
  void calibrationBin_edgesAreExactTenths() {
    for (int k = 1; k < 10; k++) {
      assertEquals(k, RealisedPerformance.calibrationBin(k / 10.0), "at " + k / 10.0);
      assertEquals(k - 1, RealisedPerformance.calibrationBin(Math.nextDown(k / 10.0)), "below " + k / 10.0);
    }
    assertEquals(0, RealisedPerformance.calibrationBin(0));
    assertEquals(9, RealisedPerformance.calibrationBin(1));
  }

  @Test
  void noOutcomes_everyMeasureIsUndefined() {
    RealisedPerformance performance = RealisedPerformance.of(List.of(), 0.5);

    assertEquals(0, performance.count());
    assertEquals(0, performance.positives());
    assertTrue(performance.rocAuc().isEmpty());
    assertTrue(performance.prAuc().isEmpty());
    assertTrue(performance.precision().isEmpty());
    assertTrue(performance.recall().isEmpty());
    assertTrue(performance.f1().isEmpty());
    assertTrue(performance.brierScore().isEmpty());
    assertTrue(performance.topDecileLift().isEmpty());
    assertEquals(10, performance.calibration().size());
    assertTrue(performance.calibration().stream().allMatch(bin -> bin.count() == 0 && bin.observedRate().isEmpty()));
  }

  @Test
  void noChurners_rankingMeasuresAndRecallAreUndefinedButPrecisionAndBrierAreNot() {
    RealisedPerformance performance = measure(new double[] {0.7, 0.2, 0.1}, false, false, false);

    assertEquals(0, performance.positives());
    assertTrue(performance.rocAuc().isEmpty());
    assertTrue(performance.prAuc().isEmpty());
    assertTrue(performance.topDecileLift().isEmpty());
    assertTrue(performance.recall().isEmpty());
    assertEquals(0, value(performance.precision()));
    assertEquals(0, value(performance.f1()));
    assertEquals((0.49 + 0.04 + 0.01) / 3, value(performance.brierScore()), 1e-15);
  }

  @Test
  void onlyChurners_rocAucIsUndefinedAndAveragePrecisionAndLiftAreOne() {
    RealisedPerformance performance = measure(new double[] {0.7, 0.2, 0.1}, true, true, true);

    assertEquals(3, performance.count());
    assertEquals(0, performance.negatives());
    assertTrue(performance.rocAuc().isEmpty());
    assertEquals(1, value(performance.prAuc()));
    assertEquals(1, value(performance.topDecileLift()), 1e-15);
  }

  @Test
  void nothingPredictedToChurn_precisionIsUndefinedAndF1IsZero() {
    RealisedPerformance performance = measure(new double[] {0.3, 0.2}, true, false);

    assertTrue(performance.precision().isEmpty());
    assertEquals(0, value(performance.recall()));
    assertEquals(0, value(performance.f1()));
  }

  @Test
  void probabilityOutsideUnitIntervalOrThresholdOutside_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ScoredOutcome(1.5, true));
    assertThrows(IllegalArgumentException.class, () -> new ScoredOutcome(Double.NaN, true));
    assertThrows(IllegalArgumentException.class, () -> RealisedPerformance.of(List.of(), Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> RealisedPerformance.of(new double[] {0.5}, new boolean[0], 0.5));
  }
}
