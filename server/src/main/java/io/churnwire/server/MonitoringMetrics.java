package io.churnwire.server;

import io.churnwire.history.OutcomeCounts;
import io.churnwire.monitoring.FeatureDrift;
import io.churnwire.runtime.EvaluationMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Model monitoring's metrics: the outcomes fed back and how they joined, counted as they are
 * recorded, and the served version's drift and realised performance as gauges, read from the last
 * measures the {@link MonitoringRefresher} took (so a scrape never runs a query). A measure that
 * is not defined (no observations, one class only) has no series rather than a made-up value.
 */
final class MonitoringMetrics implements ModelMonitor.OutcomeListener {
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  private static final AttributeKey<String> JOIN = AttributeKey.stringKey("join");
  private static final AttributeKey<String> MODEL_VERSION = AttributeKey.stringKey("model_version");
  private static final AttributeKey<String> FEATURE = AttributeKey.stringKey("feature");
  private static final Attributes RECORDED = Attributes.of(RESULT, "recorded");
  private static final Attributes DUPLICATE = Attributes.of(RESULT, "duplicate");
  private static final Attributes MATCHED = Attributes.of(JOIN, "matched");
  private static final Attributes LATE = Attributes.of(JOIN, "late");
  private static final Attributes UNKNOWN_CUSTOMER = Attributes.of(JOIN, "unknown_customer");

  /**
   * The last measures of the served version.
   *
   * @param drift its drift over the drift window, if it could be measured
   * @param performance its realised performance over the whole history, if it could be measured
   */
  record Snapshot(Optional<ModelMonitor.Drift> drift, Optional<ModelMonitor.Performance> performance) {}

  private final LongCounter outcomes;
  private final LongCounter joined;
  private final AtomicReference<Snapshot> last = new AtomicReference<>(new Snapshot(Optional.empty(), Optional.empty()));

  MonitoringMetrics(Meter meter) {
    this.outcomes = meter.counterBuilder("churnwire.outcomes").setUnit("{outcome}")
        .setDescription("Outcomes fed back through RecordOutcomes: recorded, or duplicates of one recorded before.")
        .build();
    this.joined = meter.counterBuilder("churnwire.outcomes.joined").setUnit("{outcome}")
        .setDescription("Recorded outcomes by how they joined the predictions: matched one within the horizon,"
            + " late (the customer's predictions are all outside it) or of an unknown customer.")
        .build();
    for (Attributes attributes : new Attributes[] {RECORDED, DUPLICATE}) {
      outcomes.add(0, attributes);
    }
    for (Attributes attributes : new Attributes[] {MATCHED, LATE, UNKNOWN_CUSTOMER}) {
      joined.add(0, attributes);
    }
    featureGauge(meter, "churnwire.feature_drift.psi",
        "Population Stability Index of each feature of the served version over the drift window.",
        FeatureDrift::psi);
    featureGauge(meter, "churnwire.feature_drift.jensen_shannon",
        "Jensen-Shannon distance (base 2) of each feature of the served version over the drift window.",
        FeatureDrift::jensenShannon);
    versionGauge(meter, "churnwire.drift_window.drifted",
        "1 when the drift window of the served version is drifted (enough of its features are), else 0.",
        (snapshot, gauge) -> snapshot.drift().ifPresent(drift ->
            gauge.record(drift.window().drifted() ? 1 : 0, version(drift.version()))));
    versionGauge(meter, "churnwire.drift.drifted_feature_share",
        "Drifted features over the features with observations, for the served version over the drift window.",
        (snapshot, gauge) -> snapshot.drift().ifPresent(drift ->
            drift.window().driftedShare().ifPresent(share -> gauge.record(share, version(drift.version())))));
    performanceGauge(meter, "churnwire.realised.roc_auc",
        "ROC AUC of the served version over its predictions joined with outcomes.",
        performance -> performance.realised().rocAuc());
    performanceGauge(meter, "churnwire.realised.brier_score",
        "Brier score of the served version over its predictions joined with outcomes.",
        performance -> performance.realised().brierScore());
    performanceGauge(meter, "churnwire.realised.outcomes",
        "Outcomes joined with predictions of the served version: what the realised measures rest on.",
        performance -> OptionalDouble.of(performance.realised().count()));
    performanceGauge(meter, "churnwire.promoted.roc_auc",
        "ROC AUC the served version was promoted with (held-out evaluation).",
        performance -> performance.model().promoted().map(EvaluationMetrics::rocAuc)
            .map(OptionalDouble::of).orElse(OptionalDouble.empty()));
  }

  @Override
  public void recorded(OutcomeCounts counts) {
    outcomes.add(counts.recorded(), RECORDED);
    outcomes.add(counts.duplicates(), DUPLICATE);
    joined.add(counts.matched(), MATCHED);
    joined.add(counts.late(), LATE);
    joined.add(counts.unknownCustomers(), UNKNOWN_CUSTOMER);
  }

  /** Makes {@code snapshot} what the gauges report. */
  void update(Snapshot snapshot) {
    last.set(snapshot);
  }

  /** What the gauges report now. */
  Snapshot snapshot() {
    return last.get();
  }

  private void featureGauge(Meter meter, String name, String description,
      java.util.function.Function<FeatureDrift, OptionalDouble> value) {
    versionGauge(meter, name, description, (snapshot, gauge) -> snapshot.drift().ifPresent(drift -> {
      for (FeatureDrift feature : drift.window().features()) {
        value.apply(feature).ifPresent(measure -> gauge.record(measure,
            Attributes.of(MODEL_VERSION, drift.version(), FEATURE, feature.feature())));
      }
    }));
  }

  private void performanceGauge(Meter meter, String name, String description,
      java.util.function.Function<ModelMonitor.Performance, OptionalDouble> value) {
    versionGauge(meter, name, description, (snapshot, gauge) -> snapshot.performance().ifPresent(performance ->
        value.apply(performance).ifPresent(measure -> gauge.record(measure, version(performance.model().version())))));
  }

  private void versionGauge(Meter meter, String name, String description,
      BiConsumer<Snapshot, ObservableDoubleMeasurement> observe) {
    meter.gaugeBuilder(name).setDescription(description).buildWithCallback(gauge -> observe.accept(last.get(), gauge));
  }

  private static Attributes version(String modelVersion) {
    return Attributes.of(MODEL_VERSION, modelVersion);
  }
}
