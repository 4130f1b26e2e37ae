package io.churnwire.monitoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How a model did once the truth arrived: the ranking, decision and calibration measures of its
 * served probabilities against the outcomes they were joined with. Every measure that the
 * outcomes cannot define (no outcomes, or only one class where a measure needs both) is empty,
 * never NaN and never an exception, because a fresh model version or a quiet window is normal.
 *
 * <p>Definitions, chosen to match what training reports so that the two can be put side by side:
 *
 * <ul>
 *   <li><b>ROC AUC</b>: the Mann–Whitney statistic with average ranks, the probability that a random
 *       churner was given a higher probability than a random stayer, ties counting one half; empty
 *       without churners or without stayers.
 *   <li><b>PR AUC</b>: average precision as scikit-learn's {@code average_precision_score} defines
 *       it, {@code sum over distinct probabilities t, highest first, of (R(t) - R(t')) P(t)}, where
 *       {@code P(t)} and {@code R(t)} are precision and recall of {@code probability >= t} and
 *       {@code t'} is the previous, higher threshold; outcomes tied on a probability enter together
 *       and nothing is interpolated. Empty without churners; 1 when everyone churned.
 *   <li><b>Precision, recall, F1</b> at {@link #threshold}, as {@link ConfusionCounts} defines them.
 *   <li><b>Brier score</b>: mean of {@code (probability - outcome)^2}, outcome 1 for a churner;
 *       empty without outcomes.
 *   <li><b>Calibration</b>: ten equal-width bins {@code [k/10, (k+1)/10)}, the last including 1,
 *       always all ten, empty ones with count 0 (see {@link CalibrationBin}).
 *   <li><b>Top-decile lift</b>: the churn rate among the {@code ceil(n / 10)} outcomes with the
 *       highest probabilities, over the churn rate of all {@code n}. Outcomes tied on the
 *       probability at the cut share the places left pro rata: each of them counts for
 *       {@code places left / group size}, so the group adds its own churn rate times the places
 *       it fills. That is the expected lift under random tie-breaking, and it does not depend on
 *       the order the outcomes came in. Empty without churners; 1 when all probabilities are equal.
 * </ul>
 *
 * @param count outcomes measured
 * @param positives outcomes that were churn
 * @param threshold the decision threshold: predict churn when {@code probability >= threshold}
 * @param confusion the outcomes of that decision
 * @param rocAuc tie-aware area under the ROC curve; empty without churners or without stayers
 * @param prAuc average precision; empty without churners
 * @param brierScore mean squared error of the probabilities; empty without outcomes
 * @param calibration the ten calibration bins, lowest first; their counts add up to {@code count}
 * @param topDecileLift churn rate of the top decile over the overall churn rate; empty without
 *     churners
 */
public record RealisedPerformance(
    long count,
    long positives,
    double threshold,
    ConfusionCounts confusion,
    OptionalDouble rocAuc,
    OptionalDouble prAuc,
    OptionalDouble brierScore,
    List<CalibrationBin> calibration,
    OptionalDouble topDecileLift) {

  /** The number of equal-width calibration bins over [0, 1]. */
  public static final int CALIBRATION_BINS = 10;

  /** Checks that the counts agree with one another. */
  public RealisedPerformance {
    Objects.requireNonNull(confusion, "confusion");
    Objects.requireNonNull(rocAuc, "rocAuc");
    Objects.requireNonNull(prAuc, "prAuc");
    Objects.requireNonNull(brierScore, "brierScore");
    Objects.requireNonNull(topDecileLift, "topDecileLift");
    calibration = List.copyOf(calibration);
    checkThreshold(threshold);
    if (count < 0 || positives < 0 || positives > count) {
      throw new IllegalArgumentException("need 0 <= positives " + positives + " <= count " + count);
    }
    long confused = confusion.truePositives() + confusion.falsePositives()
        + confusion.trueNegatives() + confusion.falseNegatives();
    if (confused != count || confusion.truePositives() + confusion.falseNegatives() != positives) {
      throw new IllegalArgumentException(
          "confusion counts " + confusion + " disagree with " + count + " outcomes, " + positives + " positive");
    }
    if (calibration.size() != CALIBRATION_BINS
        || calibration.stream().mapToLong(CalibrationBin::count).sum() != count) {
      throw new IllegalArgumentException(
          "need " + CALIBRATION_BINS + " calibration bins holding " + count + " outcomes, got " + calibration);
    }
  }

  /** The measures of {@code outcomes} with churn predicted for {@code probability >= threshold}. */
  public static RealisedPerformance of(Collection<ScoredOutcome> outcomes, double threshold) {
    checkThreshold(threshold);
    int n = outcomes.size();
    double[] churners = new double[n];
    double[] stayers = new double[n];
    int p = 0;
    int q = 0;
    double squaredErrors = 0;
    long[] binCounts = new long[CALIBRATION_BINS];
    double[] binPredicted = new double[CALIBRATION_BINS];
    long[] binChurners = new long[CALIBRATION_BINS];
    for (ScoredOutcome outcome : outcomes) {
      // + 0.0 turns -0.0 into 0.0, so that the sorted arrays put equal probabilities together.
      double probability = outcome.probability() + 0.0;
      int y = outcome.churned() ? 1 : 0;
      if (y == 1) {
        churners[p++] = probability;
      } else {
        stayers[q++] = probability;
      }
      squaredErrors += (probability - y) * (probability - y);
      int bin = calibrationBin(probability);
      binCounts[bin]++;
      binPredicted[bin] += probability;
      binChurners[bin] += y;
    }
    churners = Arrays.copyOf(churners, p);
    stayers = Arrays.copyOf(stayers, q);
    Arrays.sort(churners);
    Arrays.sort(stayers);

    List<CalibrationBin> calibration = new ArrayList<>(CALIBRATION_BINS);
    for (int k = 0; k < CALIBRATION_BINS; k++) {
      long c = binCounts[k];
      calibration.add(new CalibrationBin(k / (double) CALIBRATION_BINS, (k + 1) / (double) CALIBRATION_BINS, c,
          c == 0 ? OptionalDouble.empty() : OptionalDouble.of(binPredicted[k] / c),
          c == 0 ? OptionalDouble.empty() : OptionalDouble.of(binChurners[k] / (double) c)));
    }
    Ranking ranking = Ranking.of(churners, stayers);
    return new RealisedPerformance(n, p, threshold, ConfusionCounts.at(threshold, outcomes),
        ranking.rocAuc, ranking.prAuc,
        n == 0 ? OptionalDouble.empty() : OptionalDouble.of(squaredErrors / n),
        calibration, ranking.topDecileLift);
  }

  /** As {@link #of(Collection, double)}, from parallel arrays of probabilities and outcomes. */
  public static RealisedPerformance of(double[] probabilities, boolean[] churned, double threshold) {
    if (probabilities.length != churned.length) {
      throw new IllegalArgumentException("probabilities and outcomes differ in length: "
          + probabilities.length + " != " + churned.length);
    }
    List<ScoredOutcome> outcomes = new ArrayList<>(probabilities.length);
    for (int i = 0; i < probabilities.length; i++) {
      outcomes.add(new ScoredOutcome(probabilities[i], churned[i]));
    }
    return of(outcomes, threshold);
  }

  /** Outcomes that were not churn. */
  public long negatives() {
    return count - positives;
  }

  /** Precision at {@link #threshold}; empty when nothing was predicted to churn. */
  public OptionalDouble precision() {
    return confusion.precision();
  }

  /** Recall at {@link #threshold}; empty when nobody churned. */
  public OptionalDouble recall() {
    return confusion.recall();
  }

  /** F1 at {@link #threshold}; empty when nobody churned and nobody was predicted to. */
  public OptionalDouble f1() {
    return confusion.f1();
  }

  /** The bin {@code [k/10, (k+1)/10)} of a probability, exactly at the decimal edges. */
  static int calibrationBin(double probability) {
    int k = Math.min(CALIBRATION_BINS - 1, (int) (probability * CALIBRATION_BINS));
    if (probability < k / (double) CALIBRATION_BINS) {
      k--;
    } else if (k < CALIBRATION_BINS - 1 && probability >= (k + 1) / (double) CALIBRATION_BINS) {
      k++;
    }
    return k;
  }

  private static void checkThreshold(double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
    }
  }

  /**
   * The measures that depend only on the order of the probabilities, read in one pass over the
   * groups of equal probability from the highest down.
   */
  private record Ranking(OptionalDouble rocAuc, OptionalDouble prAuc, OptionalDouble topDecileLift) {

    static Ranking of(double[] churners, double[] stayers) {
      int p = churners.length;
      int q = stayers.length;
      int n = p + q;
      long cut = (n + 9L) / 10;
      long twiceU = 0;
      double averagePrecision = 0;
      double topChurners = 0;
      long taken = 0;
      long stayersAbove = 0;
      long truePositives = 0;
      long predicted = 0;
      int i = p - 1;
      int j = q - 1;
      while (i >= 0 || j >= 0) {
        double score = Math.max(i >= 0 ? churners[i] : Double.NEGATIVE_INFINITY,
            j >= 0 ? stayers[j] : Double.NEGATIVE_INFINITY);
        long groupChurners = 0;
        while (i >= 0 && churners[i] == score) {
          groupChurners++;
          i--;
        }
        long groupStayers = 0;
        while (j >= 0 && stayers[j] == score) {
          groupStayers++;
          j--;
        }
        // Each churner of the group beats the stayers below it and ties with those beside it.
        long stayersBelow = q - stayersAbove - groupStayers;
        twiceU += groupChurners * (2 * stayersBelow + groupStayers);
        stayersAbove += groupStayers;

        truePositives += groupChurners;
        predicted += groupChurners + groupStayers;
        if (groupChurners > 0) {
          averagePrecision += (groupChurners / (double) p) * (truePositives / (double) predicted);
        }

        if (taken < cut) {
          long group = groupChurners + groupStayers;
          long places = Math.min(group, cut - taken);
          topChurners += groupChurners * (places / (double) group);
          taken += places;
        }
      }
      return new Ranking(
          p > 0 && q > 0 ? OptionalDouble.of(twiceU / (2.0 * p * q)) : OptionalDouble.empty(),
          p > 0 ? OptionalDouble.of(averagePrecision) : OptionalDouble.empty(),
          p > 0 ? OptionalDouble.of((topChurners / cut) / (p / (double) n)) : OptionalDouble.empty());
    }
  }
}
