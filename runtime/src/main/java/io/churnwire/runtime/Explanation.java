package io.churnwire.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Why a model gave one customer the score it did: one additive contribution per feature, so that
 * {@code baseValue + sum(contributions)} equals the model's output for the row on {@link #scale}.
 * Tree models use exact path-dependent TreeSHAP on every tree, combined with the ensemble's own
 * weights; logistic regression uses the exact linear SHAP values relative to the training mean.
 *
 * @param baseValue the model's expected output over its training rows, on {@code scale}
 * @param contributions one value per feature, in schema order
 * @param output the model's output for the row on {@code scale}
 * @param scale what the values add up to
 */
public record Explanation(double baseValue, double[] contributions, double output, Scale scale) {

  /** What the base value and the contributions add up to. */
  public enum Scale {
    /** The churn probability (random forests average tree probabilities). */
    PROBABILITY,
    /** The log-odds of churn, {@code ln(p / (1 - p))} (boosting and logistic regression). */
    LOG_ODDS
  }

  /** One feature's share in an explanation. */
  public record Contribution(int index, String feature, double value, double contribution) {}

  /** Copies the contributions. */
  public Explanation {
    Objects.requireNonNull(scale, "scale");
    contributions = contributions.clone();
  }

  @Override
  public double[] contributions() {
    return contributions.clone();
  }

  /**
   * The {@code limit} features with the largest absolute contribution, largest first.
   *
   * @param schema the schema of the explained row
   * @param row the explained row
   */
  public List<Contribution> top(FeatureSchema schema, double[] row, int limit) {
    List<Contribution> all = new ArrayList<>();
    for (int j = 0; j < contributions.length; j++) {
      all.add(new Contribution(j, schema.get(j).name(), row[j], contributions[j]));
    }
    all.sort(Comparator.comparingDouble((Contribution c) -> -Math.abs(c.contribution()))
        .thenComparingInt(Contribution::index));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }
}
