package io.churnwire.server;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.ValueType.DECIMAL;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.LONG;

import io.churnwire.config.Rule;
import io.churnwire.config.Setting;
import io.churnwire.config.Values;

/**
 * The settings of model monitoring ({@code ChurnMonitoringService} and its gauges), declared once:
 * how long an outcome may follow the prediction it joins, how many outcomes one call records, the
 * drift window and the thresholds drift is read with, and how often the gauges are recomputed.
 */
final class MonitoringSettings {
  private MonitoringSettings() {}

  static final Setting<Integer> OUTCOME_HORIZON_DAYS = Setting.of("outcome-horizon-days",
          "churnwire.monitoring.outcome-horizon-days", INTEGER, 90,
          "how many days before an outcome a prediction for the customer may be and still be joined with it")
      .environment("CHURNWIRE_OUTCOME_HORIZON_DAYS")
      .require(between(1, 3_650));

  static final Setting<Integer> OUTCOMES_MAX_BATCH = Setting.of("outcomes-max-batch",
          "churnwire.monitoring.outcomes-max-batch", INTEGER, 1_000, "largest `RecordOutcomes` request, in outcomes")
      .environment("CHURNWIRE_OUTCOMES_MAX_BATCH")
      .require(between(1, 100_000));

  static final Setting<Integer> DRIFT_WINDOW_HOURS = Setting.of("drift-window-hours",
          "churnwire.monitoring.drift-window-hours", INTEGER, 24,
          "served traffic `GetFeatureDrift` measures by default, and the drift gauges always, in hours before now")
      .environment("CHURNWIRE_DRIFT_WINDOW_HOURS")
      .require(between(1, 8_760));

  static final Setting<Double> DRIFT_MODERATE_PSI = Setting.of("drift-moderate-psi",
          "churnwire.monitoring.drift-moderate-psi", DECIMAL, 0.1,
          "PSI from which a feature is moderately drifted; at most `--drift-psi-threshold`")
      .environment("CHURNWIRE_DRIFT_MODERATE_PSI")
      .require(new Rule<>("must be a number above 0", psi -> psi > 0));

  static final Setting<Double> DRIFT_PSI_THRESHOLD = Setting.of("drift-psi-threshold",
          "churnwire.monitoring.drift-psi-threshold", DECIMAL, 0.25, "PSI above which a feature is drifted")
      .environment("CHURNWIRE_DRIFT_PSI_THRESHOLD")
      .require(new Rule<>("must be a number above 0", psi -> psi > 0));

  static final Setting<Double> DRIFT_FEATURE_SHARE = Setting.of("drift-feature-share",
          "churnwire.monitoring.drift-feature-share", DECIMAL, 0.5,
          "share of the features with observations that must be drifted for a window to be drifted")
      .environment("CHURNWIRE_DRIFT_FEATURE_SHARE")
      .require(new Rule<>("must be above 0 and at most 1", share -> share > 0 && share <= 1));

  static final Setting<Long> MONITORING_REFRESH_SECONDS = Setting.of("monitoring-refresh-seconds",
          "churnwire.monitoring.refresh-seconds", LONG, 60L,
          "how often the drift and realised-performance gauges of the served version are recomputed, off the"
              + " request path; 0 = never (the calls still answer)")
      .environment("CHURNWIRE_MONITORING_REFRESH_SECONDS")
      .require(between(0, 86_400));

  /** The monitoring part of resolved {@code values}. */
  static MonitoringConfig config(Values values) {
    return new MonitoringConfig(values.get(OUTCOME_HORIZON_DAYS), values.get(OUTCOMES_MAX_BATCH),
        values.get(DRIFT_WINDOW_HOURS), values.get(DRIFT_MODERATE_PSI), values.get(DRIFT_PSI_THRESHOLD),
        values.get(DRIFT_FEATURE_SHARE), values.get(MONITORING_REFRESH_SECONDS));
  }

  /** {@code values} with the settings of {@code config}. */
  static Values with(Values values, MonitoringConfig config) {
    return values
        .with(OUTCOME_HORIZON_DAYS, config.outcomeHorizonDays())
        .with(OUTCOMES_MAX_BATCH, config.outcomesMaxBatch())
        .with(DRIFT_WINDOW_HOURS, config.driftWindowHours())
        .with(DRIFT_MODERATE_PSI, config.driftModeratePsi())
        .with(DRIFT_PSI_THRESHOLD, config.driftPsiThreshold())
        .with(DRIFT_FEATURE_SHARE, config.driftFeatureShare())
        .with(MONITORING_REFRESH_SECONDS, config.refreshSeconds());
  }
}
