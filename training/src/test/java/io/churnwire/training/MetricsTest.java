package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static final double EPS = 1e-12;

  @Test
  void rocAuc_perfectAndReversedRanking_areOneAndZero() {
    int[] labels = {0, 0, 1, 1};

    assertEquals(1.0, Metrics.rocAuc(new double[] {0.1, 0.2, 0.3, 0.4}, labels), EPS);
    assertEquals(0.0, Metrics.rocAuc(new double[] {0.4, 0.3, 0.2, 0.1}, labels), EPS);
  }

  @Test
  void rocAuc_handComputedWithoutTies() {
    // Pairs (positive, negative): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 -> 3 of 4.
    double auc = Metrics.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1});

    assertEquals(0.75, auc, EPS);
  }

  @Test
  void rocAuc_tiedPositiveAndNegative_countsOneHalf() {
    // Pairs: 0.5 vs 0.2 -> 1, 0.5 vs 0.5 -> 1/2, 0.9 vs 0.2 -> 1, 0.9 vs 0.5 -> 1: 3.5 of 4.
    double auc = Metrics.rocAuc(new double[] {0.2, 0.5, 0.5, 0.9}, new int[] {0, 0, 1, 1});

    assertEquals(0.875, auc, EPS);
  }

  @Test
  void rocAuc_allScoresTied_isOneHalf() {
    double auc = Metrics.rocAuc(new double[] {0.3, 0.3, 0.3, 0.3, 0.3}, new int[] {1, 0, 0, 1, 0});

    assertEquals(0.5, auc, EPS);
  }

  @Test
  void rocAuc_equalsBruteForcePairCountOnHeavilyTiedScores() {
    Random random = new Random(7);
    double[] scores = new double[500];
    int[] labels = new int[500];
    for (int i = 0; i < scores.length; i++) {
      labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
      scores[i] = random.nextInt(10) / 10.0 + 0.05 * labels[i] * random.nextInt(3);
    }
    double wins = 0;
    long pairs = 0;
    for (int p = 0; p < scores.length; p++) {
      for (int n = 0; n < scores.length; n++) {
        if (labels[p] == 1 && labels[n] == 0) {
          pairs++;
          wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
        }
      }
    }

    assertEquals(wins / pairs, Metrics.rocAuc(scores, labels), 1e-12);
  }

  @Test
  void rocAuc_singleClass_throws() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.rocAuc(new double[] {0.1, 0.2}, new int[] {1, 1}));

    assertEquals("no negative labels among 2 scores", e.getMessage());
  }

  @Test
  void averagePrecision_handComputed() {
    // Descending: 0.8(+) P=1 R=.5; 0.4(-); 0.35(+) P=2/3 R=1; AP = .5*1 + .5*2/3.
    double ap = Metrics.averagePrecision(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1});

    assertEquals(0.5 + 0.5 * 2 / 3.0, ap, EPS);
  }

  @Test
  void averagePrecision_tiedScoresEnterTogether() {
    // 0.9(-): recall 0; the tie at 0.5 holds the only positive and one negative: precision 1/3.
    double ap = Metrics.averagePrecision(new double[] {0.5, 0.5, 0.9}, new int[] {1, 0, 0});

    assertEquals(1 / 3.0, ap, EPS);
  }

  @Test
  void evaluationMetrics_countsConfusionAtThreshold() {
    double[] p = {0.9, 0.6, 0.5, 0.4, 0.1};
    int[] y = {1, 0, 1, 1, 0};

    var m = Metrics.evaluate(p, y, 0.5, "hand");

    assertEquals(2, m.truePositives());
    assertEquals(1, m.falsePositives());
    assertEquals(1, m.trueNegatives());
    assertEquals(1, m.falseNegatives());
    assertEquals(5, m.evaluationRows());
    assertEquals(3 / 5.0, m.accuracy(), EPS);
    assertEquals(2 / 3.0, m.precision(), EPS);
    assertEquals(2 / 3.0, m.recall(), EPS);
    assertEquals(2 / 3.0, m.f1(), EPS);
    assertEquals(4 / 6.0, m.rocAuc(), EPS);
  }

  @Test
  void thresholdForRecall_picksHighestThresholdReachingTheTarget() {
    // Positives at .9, .7, .6, .3 (4). Recall by cut: .9 -> 1/4, .8 -> 1/4, .7 -> 2/4, .6 -> 3/4, .3 -> 4/4.
    double[] scores = {0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.1};
    int[] labels = {1, 0, 1, 1, 0, 1, 0};

    var threeQuarters = Metrics.thresholdForRecall(scores, labels, 0.75);
    var all = Metrics.thresholdForRecall(scores, labels, 0.85);

    assertEquals(0.55, threeQuarters.threshold(), EPS);
    assertEquals(0.75, threeQuarters.recall(), EPS);
    assertEquals(0.75, threeQuarters.precision(), EPS);
    assertEquals(0.2, all.threshold(), EPS);
    assertEquals(1.0, all.recall(), EPS);
    assertEquals(4 / 6.0, all.precision(), EPS);
  }

  @Test
  void thresholdForRecall_targetOutsideUnitInterval_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.thresholdForRecall(new double[] {0.1, 0.9}, new int[] {0, 1}, 0));
  }

  @Test
  void rocCurve_runsFromOriginToOneOneAndItsAreaIsTheAuc() {
    double[] scores = {0.1, 0.4, 0.35, 0.8, 0.8};
    int[] labels = {0, 0, 1, 1, 0};

    Metrics.Curve roc = Metrics.rocCurve(scores, labels);

    double[] x = roc.x();
    double[] y = roc.y();
    assertEquals(0, x[0], EPS);
    assertEquals(0, y[0], EPS);
    assertEquals(1, x[x.length - 1], EPS);
    assertEquals(1, y[y.length - 1], EPS);
    double area = 0;
    for (int i = 1; i < x.length; i++) {
      area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    }
    assertEquals(Metrics.rocAuc(scores, labels), area, EPS);
  }

  @Test
  void precisionRecallCurve_tiedScoresFormOnePoint() {
    Metrics.Curve pr = Metrics.precisionRecallCurve(new double[] {0.5, 0.5, 0.9}, new int[] {1, 0, 0});

    assertEquals(2, pr.size());
    assertEquals(0.0, pr.y()[0], EPS);
    assertEquals(1.0, pr.x()[1], EPS);
    assertEquals(1 / 3.0, pr.y()[1], EPS);
  }
}
