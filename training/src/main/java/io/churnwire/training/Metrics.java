package io.churnwire.training;

import io.churnwire.runtime.EvaluationMetrics;
import java.util.Arrays;
import java.util.Objects;

/**
 * Exact, tie-aware ranking metrics for binary scores. Written here rather than taken from Smile so
 * that ties are handled explicitly: random-forest probabilities take few distinct values, and the
 * way ties are counted moves ROC AUC and average precision noticeably.
 */
public final class Metrics {

  private Metrics() {}

  /**
   * A decision threshold chosen on a set of scores, and how the rule did on them.
   *
   * @param threshold predict churn when {@code score >= threshold}
   * @param f1 F1 of that rule on the scores it was chosen on
   * @param precision precision of that rule on the same scores
   * @param recall recall of that rule on the same scores
   */
  public record ThresholdChoice(double threshold, double f1, double precision, double recall) {}

  /**
   * Area under the ROC curve, computed exactly as the Mann-Whitney statistic with mid-ranks: the
   * probability that a random positive scores higher than a random negative, ties counting one
   * half.
   *
   * @throws IllegalArgumentException if the inputs differ in length, a label is not 0 or 1, a score
   *     is not finite, or either class is absent
   */
  public static double rocAuc(double[] scores, int[] labels) {
    int positives = check(scores, labels, true);
    int n = scores.length;
    long negatives = n - positives;
    int[] order = ascending(scores);
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      int groupPositives = 0;
      while (j < n && scores[order[j]] == scores[order[i]]) {
        groupPositives += labels[order[j]];
        j++;
      }
      double midRank = (i + 1 + j) / 2.0;
      positiveRankSum += midRank * groupPositives;
      i = j;
    }
    double u = positiveRankSum - positives * (positives + 1.0) / 2.0;
    return u / (positives * (double) negatives);
  }

  /**
   * Average precision, the step-wise area under the precision-recall curve:
   * {@code sum over distinct thresholds t of (recall(t) - recall(previous t)) * precision(t)},
   * scores tied at a threshold entering together. This is the same quantity as scikit-learn's
   * {@code average_precision_score}, and unlike trapezoidal PR AUC it never interpolates
   * optimistically.
   *
   * @throws IllegalArgumentException as for {@link #rocAuc}
   */
  public static double averagePrecision(double[] scores, int[] labels) {
    int positives = check(scores, labels, true);
    int[] order = ascending(scores);
    double ap = 0;
    long truePositives = 0;
    long predicted = 0;
    int j = scores.length - 1;
    while (j >= 0) {
      int i = j;
      int groupPositives = 0;
      while (i >= 0 && scores[order[i]] == scores[order[j]]) {
        groupPositives += labels[order[i]];
        i--;
      }
      predicted += j - i;
      truePositives += groupPositives;
      ap += (groupPositives / (double) positives) * (truePositives / (double) predicted);
      j = i;
    }
    return ap;
  }

  /**
   * The highest threshold whose recall on {@code scores} reaches {@code targetRecall}: candidates
   * are the distinct scores, highest first, and the first whose rule {@code score >= candidate}
   * catches at least that share of the positives wins. The returned threshold is the midpoint to
   * the next lower distinct score, so that it does not sit exactly on a training score.
   *
   * @throws IllegalArgumentException as for {@link #rocAuc}, except that negatives may be absent,
   *     or if the target is not in (0, 1]
   */
  public static ThresholdChoice thresholdForRecall(double[] scores, int[] labels, double targetRecall) {
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("target recall must be in (0, 1], got " + targetRecall);
    }
    int positives = check(scores, labels, false);
    int[] order = ascending(scores);
    long truePositives = 0;
    int j = scores.length - 1;
    while (j >= 0) {
      int i = j;
      double score = scores[order[j]];
      while (i >= 0 && scores[order[i]] == score) {
        truePositives += labels[order[i]];
        i--;
      }
      long predicted = scores.length - 1 - i;
      double recall = truePositives / (double) positives;
      // A tolerance keeps a target such as 0.85 reachable when the count ratio is 0.8499999...
      if (recall >= targetRecall - 1e-12) {
        double threshold = score;
        if (i >= 0) {
          double next = scores[order[i]];
          double mid = score / 2 + next / 2;
          threshold = mid > next && mid <= score ? mid : score;
        }
        double precision = truePositives / (double) predicted;
        double f1 = 2.0 * truePositives / (predicted + positives);
        return new ThresholdChoice(threshold, f1, precision, recall);
      }
      j = i;
    }
    throw new IllegalStateException("recall reaches 1 at the lowest score");
  }

  /**
   * A curve as two parallel coordinate arrays, for plots.
   *
   * @param x horizontal coordinates
   * @param y vertical coordinates
   */
  public record Curve(double[] x, double[] y) {
    /** Checks that both arrays have the same length. */
    public Curve {
      if (x.length != y.length) {
        throw new IllegalArgumentException("curve coordinates differ in length: " + x.length + " != " + y.length);
      }
      x = x.clone();
      y = y.clone();
    }

    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public double[] y() {
      return y.clone();
    }

    /** The number of points. */
    public int size() {
      return x.length;
    }

    /** At most {@code limit} points, evenly spaced, always keeping the first and last. */
    public Curve thinned(int limit) {
      if (x.length <= limit || limit < 2) {
        return this;
      }
      double[] tx = new double[limit];
      double[] ty = new double[limit];
      for (int k = 0; k < limit; k++) {
        int i = (int) Math.round(k * (x.length - 1) / (double) (limit - 1));
        tx[k] = x[i];
        ty[k] = y[i];
      }
      return new Curve(tx, ty);
    }
  }

  /**
   * The ROC curve: false-positive rate (x) against true-positive rate (y), one point per distinct
   * score from the highest down, starting at (0, 0) and ending at (1, 1).
   *
   * @throws IllegalArgumentException as for {@link #rocAuc}
   */
  public static Curve rocCurve(double[] scores, int[] labels) {
    int positives = check(scores, labels, true);
    int negatives = scores.length - positives;
    int[] order = ascending(scores);
    double[] fpr = new double[scores.length + 1];
    double[] tpr = new double[scores.length + 1];
    int points = 1;
    long tp = 0;
    long fp = 0;
    int j = scores.length - 1;
    while (j >= 0) {
      int i = j;
      while (i >= 0 && scores[order[i]] == scores[order[j]]) {
        tp += labels[order[i]];
        fp += 1 - labels[order[i]];
        i--;
      }
      fpr[points] = fp / (double) negatives;
      tpr[points] = tp / (double) positives;
      points++;
      j = i;
    }
    return new Curve(Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points));
  }

  /**
   * The precision-recall curve: recall (x) against precision (y), one point per distinct score
   * from the highest down.
   *
   * @throws IllegalArgumentException as for {@link #rocAuc}
   */
  public static Curve precisionRecallCurve(double[] scores, int[] labels) {
    int positives = check(scores, labels, true);
    int[] order = ascending(scores);
    double[] recall = new double[scores.length];
    double[] precision = new double[scores.length];
    int points = 0;
    long tp = 0;
    int j = scores.length - 1;
    while (j >= 0) {
      int i = j;
      while (i >= 0 && scores[order[i]] == scores[order[j]]) {
        tp += labels[order[i]];
        i--;
      }
      long predicted = scores.length - 1 - i;
      recall[points] = tp / (double) positives;
      precision[points] = tp / (double) predicted;
      points++;
      j = i;
    }
    return new Curve(Arrays.copyOf(recall, points), Arrays.copyOf(precision, points));
  }

  private static int check(double[] scores, int[] labels, boolean needNegatives) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels differ in length: " + scores.length + " != " + labels.length);
    }
    int positives = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", expected 0 or 1");
      }
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
      }
      positives += labels[i];
    }
    if (positives == 0) {
      throw new IllegalArgumentException("no positive labels among " + labels.length + " scores");
    }
    if (needNegatives && positives == labels.length) {
      throw new IllegalArgumentException("no negative labels among " + labels.length + " scores");
    }
    return positives;
  }

  /** Indices of {@code scores} in ascending score order. */
  private static int[] ascending(double[] scores) {
    Integer[] boxed = new Integer[scores.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (a, b) -> Double.compare(scores[a], scores[b]));
    int[] order = new int[boxed.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  /**
   * Metrics of predicting churn for {@code probability >= threshold}.
   *
   * @throws IllegalArgumentException if either class is absent from {@code labels}
   */
  public static EvaluationMetrics evaluate(
      double[] probabilities, int[] labels, double threshold, String method) {
    double rocAuc = rocAuc(probabilities, labels);
    double prAuc = averagePrecision(probabilities, labels);
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean predicted = probabilities[i] >= threshold;
      if (labels[i] == 1) {
        if (predicted) {
          tp++;
        } else {
          fn++;
        }
      } else if (predicted) {
        fp++;
      } else {
        tn++;
      }
    }
    long n = labels.length;
    double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
    double f1 = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    return new EvaluationMetrics(rocAuc, prAuc, (tp + tn) / (double) n, precision, recall, f1,
        tp, fp, tn, fn, n, method);
  }
}
