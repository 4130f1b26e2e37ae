package io.churnwire.monitoring;

import io.churnwire.runtime.FeatureReference;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How far the served values of one feature are from its training distribution, measured on the
 * reference's bins: the Population Stability Index, which the drift level is read from, and the
 * Jensen–Shannon distance, which is bounded and symmetric and so reads the same for every feature.
 *
 * <p>Both compare shares over the reference's bins plus one more, the unseen bin, that holds the
 * served values no training bin holds (see {@link BinnedCounts}); its training share is 0, so a
 * level the model never saw counts as drift. The reference's frequencies are divided by their sum
 * first, which they are stored to within 1e-6 of.
 *
 * @param feature the feature's name
 * @param observations served values counted, unseen ones included
 * @param unseen served values that no training bin holds
 * @param psi Population Stability Index; empty without observations
 * @param jensenShannon Jensen–Shannon distance in [0, 1]; empty without observations
 * @param level the drift level read from {@code psi}, {@link DriftLevel#NO_OBSERVATIONS} without
 *     observations
 */
public record FeatureDrift(
    String feature,
    long observations,
    long unseen,
    OptionalDouble psi,
    OptionalDouble jensenShannon,
    DriftLevel level) {

  /**
   * The share that replaces an empty bin's share, on either side, in the PSI: 1e-4 (0.01 %), so
   * a bin empty on one side contributes a large but finite term (about 0.69 for a bin holding a
   * tenth of the other side) and a bin empty on both sides contributes nothing. The shares are not
   * renormalised afterwards; each term {@code (o - e) ln(o / e)} stays non-negative, so the PSI
   * does too.
   */
  public static final double PSI_EMPTY_BIN_SHARE = 1e-4;

  /** Checks that the values agree with one another. */
  public FeatureDrift {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(psi, "psi of " + feature);
    Objects.requireNonNull(jensenShannon, "jensenShannon of " + feature);
    Objects.requireNonNull(level, "level of " + feature);
    if (observations < 0 || unseen < 0 || unseen > observations) {
      throw new IllegalArgumentException("feature " + feature + ": need 0 <= unseen " + unseen
          + " <= observations " + observations);
    }
    boolean empty = observations == 0;
    if (empty != psi.isEmpty() || empty != jensenShannon.isEmpty()
        || empty != (level == DriftLevel.NO_OBSERVATIONS)) {
      throw new IllegalArgumentException("feature " + feature
          + ": PSI, Jensen-Shannon distance and level must all be given exactly when there are observations");
    }
  }

  /** The drift of {@code observed} from {@code reference}, levelled by the default thresholds. */
  public static FeatureDrift measure(String feature, FeatureReference reference, BinnedCounts observed) {
    return measure(feature, reference, observed, DriftOptions.DEFAULTS);
  }

  /** The drift of {@code observed} from {@code reference}, levelled by {@code options}. */
  public static FeatureDrift measure(
      String feature, FeatureReference reference, BinnedCounts observed, DriftOptions options) {
    int bins = BinnedCounts.bins(reference);
    if (observed.bins() != bins) {
      throw new IllegalArgumentException("feature " + feature + ": " + observed.bins()
          + " observed bins for a reference of " + bins);
    }
    long total = observed.total();
    if (total == 0) {
      return new FeatureDrift(feature, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(),
          DriftLevel.NO_OBSERVATIONS);
    }
    double[] expected = expectedShares(feature, reference.frequencies());
    double[] actual = new double[bins + 1];
    long[] counts = observed.counts();
    for (int i = 0; i < bins; i++) {
      actual[i] = counts[i] / (double) total;
    }
    actual[bins] = observed.unseen() / (double) total;
    double psi = populationStabilityIndex(expected, actual);
    return new FeatureDrift(feature, total, observed.unseen(), OptionalDouble.of(psi),
        OptionalDouble.of(jensenShannonDistance(expected, actual)), DriftLevel.of(psi, options));
  }

  /**
   * The Population Stability Index {@code sum over bins of (o - e) ln(o / e)} between expected
   * shares {@code e} and observed shares {@code o}, an empty share on either side replaced by
   * {@link #PSI_EMPTY_BIN_SHARE}.
   *
   * @param expected shares of the reference, one per bin
   * @param observed shares of the served values, one per bin
   */
  public static double populationStabilityIndex(double[] expected, double[] observed) {
    checkShares(expected, observed);
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], PSI_EMPTY_BIN_SHARE);
      double o = Math.max(observed[i], PSI_EMPTY_BIN_SHARE);
      psi += (o - e) * Math.log(o / e);
    }
    return psi;
  }

  /**
   * The Jensen–Shannon distance, the square root of the Jensen–Shannon divergence
   * {@code (KL(p || m) + KL(q || m)) / 2} with {@code m = (p + q) / 2} and base-2 logarithms,
   * so that it lies in [0, 1]: 0 for equal distributions, 1 for distributions on disjoint bins.
   * Empty bins need no correction ({@code 0 log 0 = 0}, and {@code m} is positive wherever
   * {@code p} or {@code q} is).
   *
   * @param p shares of one distribution, one per bin, adding up to 1
   * @param q shares of the other, over the same bins
   */
  public static double jensenShannonDistance(double[] p, double[] q) {
    checkShares(p, q);
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      divergence += halfTerm(p[i], m) + halfTerm(q[i], m);
    }
    // Rounding can leave the divergence a hair outside [0, 1].
    return Math.sqrt(Math.min(1, Math.max(0, divergence)));
  }

  /** Whether the feature is drifted: its PSI is above the drifted threshold. */
  public boolean drifted() {
    return level == DriftLevel.DRIFTED;
  }

  /** The share of the observations that no training bin holds; empty without observations. */
  public OptionalDouble unseenShare() {
    return observations == 0 ? OptionalDouble.empty() : OptionalDouble.of(unseen / (double) observations);
  }

  private static double halfTerm(double share, double mean) {
    return share == 0 ? 0 : share * Math.log(share / mean) / (2 * Math.log(2));
  }

  private static double[] expectedShares(String feature, double[] frequencies) {
    double sum = 0;
    for (double frequency : frequencies) {
      if (!(frequency >= 0 && Double.isFinite(frequency))) {
        throw new IllegalArgumentException(
            "feature " + feature + ": reference frequency " + frequency + " is not a finite number >= 0");
      }
      sum += frequency;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("feature " + feature + ": reference frequencies are all 0");
    }
    double[] shares = new double[frequencies.length + 1];
    for (int i = 0; i < frequencies.length; i++) {
      shares[i] = frequencies[i] / sum;
    }
    return shares;
  }

  private static void checkShares(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("share arrays differ in length: " + a.length + " != " + b.length);
    }
    for (int i = 0; i < a.length; i++) {
      if (!(a[i] >= 0 && a[i] <= 1 && b[i] >= 0 && b[i] <= 1)) {
        throw new IllegalArgumentException(
            "shares of bin " + i + " must be in [0, 1], got " + a[i] + " and " + b[i]);
      }
    }
  }
}
