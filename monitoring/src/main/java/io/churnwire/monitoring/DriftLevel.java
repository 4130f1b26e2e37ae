package io.churnwire.monitoring;

/**
 * How far a feature's served distribution has moved from its training one, by its Population
 * Stability Index, in the bands that credit-risk practice made customary and that alerting needs.
 */
public enum DriftLevel {
  /** Nothing was served in the window, so drift cannot be told; never reported as a number. */
  NO_OBSERVATIONS,
  /** PSI below the moderate threshold (0.1 by default): the population is stable. */
  NONE,
  /** PSI from the moderate threshold up to and including the drifted one (0.1 to 0.25 by default). */
  MODERATE,
  /** PSI above the drifted threshold (0.25 by default): the model sees a different population. */
  DRIFTED;

  /** The level of a PSI value under {@code options}. */
  public static DriftLevel of(double psi, DriftOptions options) {
    if (!(psi >= 0)) {
      throw new IllegalArgumentException("PSI must be a number >= 0, got " + psi);
    }
    if (psi > options.driftedPsi()) {
      return DRIFTED;
    }
    return psi >= options.moderatePsi() ? MODERATE : NONE;
  }
}
