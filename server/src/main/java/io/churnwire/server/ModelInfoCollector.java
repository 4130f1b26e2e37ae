package io.churnwire.server;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * {@code churnwire_model_info{model_version,algorithm,loaded_at} 1} for the model served now, and
 * only that one, so a dashboard or alert joins on the version in service. It is a Prometheus info
 * metric collected straight from the {@link ModelHolder} rather than an OpenTelemetry gauge: the
 * OpenTelemetry exporter strips the reserved {@code _info} suffix from a gauge's name, which would
 * expose it as {@code churnwire_model}.
 */
final class ModelInfoCollector implements Collector {
  /** The info metric's name; the exposition adds {@code _info}. */
  static final String NAME = "churnwire_model";

  private static final DateTimeFormatter ISO_UTC = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

  private final ModelHolder models;
  private volatile Served served;

  /** The labels of the model last seen, kept until another is served. */
  private record Served(ServingModel model, Labels labels) {}

  ModelInfoCollector(ModelHolder models) {
    this.models = models;
  }

  @Override
  public MetricSnapshot collect() {
    InfoSnapshot.Builder info = InfoSnapshot.builder().name(NAME)
        .help("The model served now: its version, algorithm and when it was loaded (ISO-8601, UTC).");
    models.current().ifPresent(model -> info.dataPoint(
        InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels(model)).build()));
    return info.build();
  }

  @Override
  public String getPrometheusName() {
    return NAME;
  }

  private Labels labels(ServingModel model) {
    Served last = served;
    if (last == null || last.model() != model) {
      last = new Served(model, Labels.of(
          "model_version", model.version(),
          "algorithm", model.metadata().getAlgorithm(),
          "loaded_at", ISO_UTC.format(model.loadedAt().truncatedTo(ChronoUnit.SECONDS))));
      served = last;
    }
    return last.labels();
  }
}
