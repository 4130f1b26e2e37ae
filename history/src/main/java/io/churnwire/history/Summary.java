package io.churnwire.history;

/** What a group of predictions adds up to; sums, so groups combine exactly. */
public record Summary(long count, long churnCount, double probabilitySum) {
  /** No predictions. */
  public static final Summary EMPTY = new Summary(0, 0, 0);

  /** This group and {@code other} together. */
  public Summary plus(Summary other) {
    return new Summary(count + other.count, churnCount + other.churnCount, probabilitySum + other.probabilitySum);
  }

  /** Share predicted to churn; 0 for no predictions. */
  public double churnRate() {
    return count == 0 ? 0 : (double) churnCount / count;
  }

  /** Mean churn probability; 0 for no predictions. */
  public double meanProbability() {
    return count == 0 ? 0 : probabilitySum / count;
  }
}
