package io.churnwire.training;

import io.churnwire.runtime.EvaluationMetrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a person needs to judge a model besides its metadata: held-out metrics and curves,
 * feature importance, the leakage check, the algorithm comparison and, when features were flagged,
 * the quality of the same recipe without them. {@link MetricsJson} writes it as metrics.json and the
 * trainer draws its charts from it.
 *
 * @param metrics held-out metrics at the decision threshold
 * @param roc held-out ROC curve (false-positive rate, true-positive rate)
 * @param precisionRecall held-out precision-recall curve (recall, precision)
 * @param importance permutation importance per feature, largest first
 * @param leakage single-feature ROC AUC of every feature, in schema order
 * @param candidates cross-validated ROC AUC of each algorithm tried; empty for an evaluation
 * @param validation the threshold choice on the out-of-fold probabilities; empty for an evaluation
 * @param targetRecall the recall the threshold was chosen for
 * @param withoutFlagged the same recipe trained without the flagged features, if any were flagged
 */
public record ModelReport(
    EvaluationMetrics metrics,
    Metrics.Curve roc,
    Metrics.Curve precisionRecall,
    List<FeatureImportance> importance,
    List<FeatureSignal> leakage,
    List<CandidateScore> candidates,
    Optional<Metrics.ThresholdChoice> validation,
    double targetRecall,
    Optional<Alternative> withoutFlagged) {

  /**
   * How much held-out ROC AUC drops when one feature's values are shuffled among the rows.
   *
   * @param feature the feature name
   * @param rocAucDrop mean drop over the repeats; near 0 or negative means the model does not need it
   */
  public record FeatureImportance(String feature, double rocAucDrop) {}

  /**
   * How well one feature alone separates churners from stayers.
   *
   * @param feature the feature name
   * @param rocAuc ROC AUC of the feature alone (numeric: its value in the better direction;
   *     categorical: the churn rate of its level), at least 0.5
   * @param flagged whether it reaches the leakage limit
   */
  public record FeatureSignal(String feature, double rocAuc, boolean flagged) {}

  /**
   * One algorithm's stratified k-fold ROC AUC on the training rows.
   *
   * @param algorithm the algorithm
   * @param foldRocAuc ROC AUC on each fold
   * @param selected whether it was kept
   */
  public record CandidateScore(Algorithm algorithm, double[] foldRocAuc, boolean selected) {
    /** Copies the fold scores. */
    public CandidateScore {
      Objects.requireNonNull(algorithm, "algorithm");
      foldRocAuc = foldRocAuc.clone();
    }

    @Override
    public double[] foldRocAuc() {
      return foldRocAuc.clone();
    }

    /** Mean ROC AUC over the folds. */
    public double meanRocAuc() {
      double sum = 0;
      for (double v : foldRocAuc) {
        sum += v;
      }
      return sum / foldRocAuc.length;
    }

    /** Sample standard deviation of the fold ROC AUCs (0 for a single fold). */
    public double sdRocAuc() {
      if (foldRocAuc.length < 2) {
        return 0;
      }
      double mean = meanRocAuc();
      double squares = 0;
      for (double v : foldRocAuc) {
        squares += (v - mean) * (v - mean);
      }
      return Math.sqrt(squares / (foldRocAuc.length - 1));
    }
  }

  /**
   * The selected algorithm trained the same way on fewer features.
   *
   * @param features the features it used
   * @param metrics its held-out metrics at its own threshold
   * @param roc its held-out ROC curve
   */
  public record Alternative(List<String> features, EvaluationMetrics metrics, Metrics.Curve roc) {
    /** Freezes the feature list. */
    public Alternative {
      features = List.copyOf(features);
    }
  }

  /** Checks for nulls and freezes the lists. */
  public ModelReport {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(roc, "roc");
    Objects.requireNonNull(precisionRecall, "precisionRecall");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(withoutFlagged, "withoutFlagged");
    importance = List.copyOf(importance);
    leakage = List.copyOf(leakage);
    candidates = List.copyOf(candidates);
  }

  /** The names of the flagged features. */
  public List<String> flaggedFeatures() {
    return leakage.stream().filter(FeatureSignal::flagged).map(FeatureSignal::feature).toList();
  }
}
