package io.churnwire.monitoring;

/**
 * The thresholds that turn drift values into levels, so that a deployment can be stricter or
 * looser than the customary PSI bands without touching the measures.
 *
 * @param moderatePsi PSI from which a feature is reported as moderately drifted (default 0.1)
 * @param driftedPsi PSI above which a feature is drifted (default 0.25)
 * @param driftedFeatureShare share of the features with observations that must be drifted for
 *     the window to be drifted, in (0, 1] (default 0.5)
 */
public record DriftOptions(double moderatePsi, double driftedPsi, double driftedFeatureShare) {

  /** The customary bands: moderate from 0.1, drifted above 0.25; window drifted at half. */
  public static final DriftOptions DEFAULTS = new DriftOptions();

  /** Validates the thresholds; every message names the bad value. */
  public DriftOptions {
    if (!(moderatePsi > 0 && Double.isFinite(moderatePsi))) {
      throw new IllegalArgumentException("moderatePsi must be a finite number > 0, got " + moderatePsi);
    }
    if (!(driftedPsi >= moderatePsi && Double.isFinite(driftedPsi))) {
      throw new IllegalArgumentException(
          "driftedPsi must be finite and >= moderatePsi " + moderatePsi + ", got " + driftedPsi);
    }
    if (!(driftedFeatureShare > 0 && driftedFeatureShare <= 1)) {
      throw new IllegalArgumentException(
          "driftedFeatureShare must be in (0, 1], got " + driftedFeatureShare);
    }
  }

  /** The defaults: 0.1, 0.25 and 0.5. */
  public DriftOptions() {
    this(0.1, 0.25, 0.5);
  }

  /** These options with another drifted threshold, keeping the moderate one below it. */
  public DriftOptions withDriftedPsi(double driftedPsi) {
    return new DriftOptions(Math.min(moderatePsi, driftedPsi), driftedPsi, driftedFeatureShare);
  }
}
