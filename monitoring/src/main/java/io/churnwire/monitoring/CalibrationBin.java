package io.churnwire.monitoring;

import java.util.OptionalDouble;

/**
 * One point of a reliability curve: the outcomes whose predicted probability fell in
 * {@code [lower, upper)} (the last bin includes 1), how much churn was predicted for them on
 * average and how much there was. A calibrated model has the two close in every bin.
 *
 * @param lower inclusive lower end of the probability range
 * @param upper upper end, exclusive except for the last bin
 * @param count outcomes in the bin
 * @param meanPredicted mean predicted probability of those outcomes; empty when the bin is empty
 * @param observedRate share of those outcomes that churned; empty when the bin is empty
 */
public record CalibrationBin(
    double lower, double upper, long count, OptionalDouble meanPredicted, OptionalDouble observedRate) {

  /** Checks that the range is ordered and that the means are given exactly for a non-empty bin. */
  public CalibrationBin {
    if (!(lower >= 0 && lower < upper && upper <= 1)) {
      throw new IllegalArgumentException("calibration bin needs 0 <= lower < upper <= 1, got ["
          + lower + ", " + upper + ")");
    }
    if (count < 0) {
      throw new IllegalArgumentException("calibration bin count is negative: " + count);
    }
    if ((count == 0) != meanPredicted.isEmpty() || (count == 0) != observedRate.isEmpty()) {
      throw new IllegalArgumentException(
          "calibration bin means must be given exactly when the bin holds outcomes, count " + count);
    }
  }
}
