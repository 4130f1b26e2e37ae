package io.churnwire.telemetry;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.ValueType.DECIMAL;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.TEXT;
import static io.churnwire.config.ValueType.oneOf;
import static io.churnwire.config.ValueType.optional;

import io.churnwire.config.Rule;
import io.churnwire.config.Setting;
import io.churnwire.config.Values;
import java.net.URI;
import java.util.Optional;

/**
 * The settings every Churnwire process that serves traffic shares (the server and the bridge):
 * where metrics are scraped, how logs are written, and where traces go. Declared once here, so
 * both document and validate them the same way.
 */
public final class TelemetrySettings {
  private TelemetrySettings() {}

  public static final Setting<String> METRICS_HOST = Setting.of("metrics-host", "churnwire.metrics.host", TEXT,
          "0.0.0.0", "address the metrics port binds")
      .environment("CHURNWIRE_METRICS_HOST")
      .require(notBlank());

  /** The server's metrics port: 9464, OpenTelemetry's registered Prometheus exporter port. */
  public static final Setting<Integer> METRICS_PORT =
      metricsPort(9464, "churnwire.metrics.port", "CHURNWIRE_METRICS_PORT");

  /**
   * A metrics port defaulting to {@code defaultPort} under its own key and environment variable, for
   * a program that may run on the same host as the server (the bridge), so neither moves the other.
   */
  public static Setting<Integer> metricsPort(int defaultPort, String key, String environmentVariable) {
    return Setting.of("metrics-port", key, INTEGER, defaultPort,
            "HTTP port of `/metrics` (Prometheus text and OpenMetrics); 0 picks a free one, -1 = off")
        .environment(environmentVariable)
        .require(between(-1, 65_535));
  }

  public static final Setting<LogFormat> LOG_FORMAT = Setting.of("log-format", "churnwire.log.format",
          oneOf(LogFormat.class), LogFormat.TEXT,
          "`text` for people, `json` for one JSON object per line with `request_id` and `trace_id` fields")
      .environment("CHURNWIRE_LOG_FORMAT");

  public static final Setting<Optional<String>> OTLP_ENDPOINT = Setting.of("otlp-endpoint",
          "churnwire.tracing.otlp-endpoint", optional(TEXT), Optional.empty(),
          "OTLP/HTTP traces endpoint (e.g. `http://collector:4318/v1/traces`); without it no span is recorded"
              + " or sent, and incoming `traceparent` ids are still passed on and logged")
      .environment("CHURNWIRE_OTLP_ENDPOINT")
      .showDefaultAs("none (off)")
      .require(new Rule<>("must be an http:// or https:// URL",
          endpoint -> endpoint.isEmpty() || isHttpUrl(endpoint.get())));

  public static final Setting<Double> TRACE_SAMPLE_RATIO = Setting.of("trace-sample-ratio",
          "churnwire.tracing.sample-ratio", DECIMAL, 1.0,
          "share of new traces recorded when exporting; a caller's sampled `traceparent` is always followed")
      .environment("CHURNWIRE_TRACE_SAMPLE_RATIO")
      .require(new Rule<>("must be between 0 and 1", ratio -> ratio >= 0 && ratio <= 1));

  /** The telemetry part of resolved {@code values}, whose metrics port is {@code metricsPort}. */
  public static TelemetryConfig config(Values values, Setting<Integer> metricsPort) {
    return new TelemetryConfig(values.get(METRICS_HOST), values.get(metricsPort), values.get(LOG_FORMAT),
        values.get(OTLP_ENDPOINT).map(URI::create), values.get(TRACE_SAMPLE_RATIO));
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = URI.create(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
