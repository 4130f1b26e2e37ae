package io.churnwire.server;

import static io.churnwire.server.MonitoringSettings.DRIFT_FEATURE_SHARE;
import static io.churnwire.server.MonitoringSettings.DRIFT_MODERATE_PSI;
import static io.churnwire.server.MonitoringSettings.DRIFT_PSI_THRESHOLD;
import static io.churnwire.server.MonitoringSettings.DRIFT_WINDOW_HOURS;
import static io.churnwire.server.MonitoringSettings.MONITORING_REFRESH_SECONDS;
import static io.churnwire.server.MonitoringSettings.OUTCOMES_MAX_BATCH;
import static io.churnwire.server.MonitoringSettings.OUTCOME_HORIZON_DAYS;

import io.churnwire.monitoring.DriftOptions;
import java.time.Duration;

/**
 * How the server monitors its models, checked against {@link MonitoringSettings}' rules, so that a
 * config built in code obeys them too.
 *
 * @param outcomeHorizonDays how many days before an outcome a prediction may be and still join it
 * @param outcomesMaxBatch   largest {@code RecordOutcomes} request, in outcomes
 * @param driftWindowHours   the default drift window, and the gauges', in hours before now
 * @param driftModeratePsi   PSI from which a feature is moderately drifted
 * @param driftPsiThreshold  PSI above which a feature is drifted; at least {@code driftModeratePsi}
 * @param driftFeatureShare  share of the assessed features that must be drifted for a drifted window
 * @param refreshSeconds     how often the monitoring gauges are recomputed; 0 = never
 */
public record MonitoringConfig(int outcomeHorizonDays, int outcomesMaxBatch, int driftWindowHours,
    double driftModeratePsi, double driftPsiThreshold, double driftFeatureShare, long refreshSeconds) {

  /** Checks every value against its setting, and the two PSI thresholds against each other. */
  public MonitoringConfig {
    OUTCOME_HORIZON_DAYS.check(outcomeHorizonDays);
    OUTCOMES_MAX_BATCH.check(outcomesMaxBatch);
    DRIFT_WINDOW_HOURS.check(driftWindowHours);
    DRIFT_MODERATE_PSI.check(driftModeratePsi);
    DRIFT_PSI_THRESHOLD.check(driftPsiThreshold);
    DRIFT_FEATURE_SHARE.check(driftFeatureShare);
    MONITORING_REFRESH_SECONDS.check(refreshSeconds);
    if (driftModeratePsi > driftPsiThreshold) {
      throw new IllegalArgumentException(DRIFT_MODERATE_PSI.name() + " (" + driftModeratePsi
          + ") must not exceed " + DRIFT_PSI_THRESHOLD.name() + " (" + driftPsiThreshold + ")");
    }
  }

  /** Every setting at its default. */
  public static MonitoringConfig defaults() {
    return new MonitoringConfig(OUTCOME_HORIZON_DAYS.defaultValue(), OUTCOMES_MAX_BATCH.defaultValue(),
        DRIFT_WINDOW_HOURS.defaultValue(), DRIFT_MODERATE_PSI.defaultValue(), DRIFT_PSI_THRESHOLD.defaultValue(),
        DRIFT_FEATURE_SHARE.defaultValue(), MONITORING_REFRESH_SECONDS.defaultValue());
  }

  /** How far before an outcome a prediction may be and still be joined with it. */
  public Duration outcomeHorizon() {
    return Duration.ofDays(outcomeHorizonDays);
  }

  /** The default drift window. */
  public Duration driftWindow() {
    return Duration.ofHours(driftWindowHours);
  }

  /** The thresholds drift levels and a window's verdict are read with. */
  public DriftOptions driftOptions() {
    return new DriftOptions(driftModeratePsi, driftPsiThreshold, driftFeatureShare);
  }

  /** This config with the gauges recomputed every {@code seconds} (0 = never). */
  public MonitoringConfig withRefreshSeconds(long seconds) {
    return new MonitoringConfig(outcomeHorizonDays, outcomesMaxBatch, driftWindowHours, driftModeratePsi,
        driftPsiThreshold, driftFeatureShare, seconds);
  }

  /** This config recording at most {@code outcomes} per call. */
  public MonitoringConfig withOutcomesMaxBatch(int outcomes) {
    return new MonitoringConfig(outcomeHorizonDays, outcomes, driftWindowHours, driftModeratePsi,
        driftPsiThreshold, driftFeatureShare, refreshSeconds);
  }
}
