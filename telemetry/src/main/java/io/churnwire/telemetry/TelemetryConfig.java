package io.churnwire.telemetry;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a process's metrics, logs and traces go (see {@link TelemetrySettings} for each setting).
 *
 * @param metricsHost address the metrics port binds
 * @param metricsPort HTTP port of {@code /metrics}; 0 picks a free one, -1 turns it off
 * @param logFormat how log lines are written
 * @param otlpEndpoint OTLP/HTTP traces endpoint; empty records no spans
 * @param traceSampleRatio share of new traces recorded when exporting
 */
public record TelemetryConfig(String metricsHost, int metricsPort, LogFormat logFormat,
    Optional<URI> otlpEndpoint, double traceSampleRatio) {

  public TelemetryConfig {
    Objects.requireNonNull(metricsHost, "metricsHost");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    if (metricsPort < -1 || metricsPort > 65_535) {
      throw new IllegalArgumentException("metricsPort must be between -1 and 65535, got " + metricsPort);
    }
    if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
      throw new IllegalArgumentException("traceSampleRatio must be between 0 and 1, got " + traceSampleRatio);
    }
  }

  /** Metrics on port 9464 of every interface, text logs, no trace export. */
  public static TelemetryConfig defaults() {
    return new TelemetryConfig("0.0.0.0", 9464, LogFormat.TEXT, Optional.empty(), 1.0);
  }

  /** No metrics port, text logs, no trace export: for embedding and tests that do not look. */
  public static TelemetryConfig off() {
    return new TelemetryConfig("127.0.0.1", -1, LogFormat.TEXT, Optional.empty(), 1.0);
  }

  public TelemetryConfig withMetricsPort(int port) {
    return new TelemetryConfig(metricsHost, port, logFormat, otlpEndpoint, traceSampleRatio);
  }

  public TelemetryConfig withMetricsHost(String host) {
    return new TelemetryConfig(host, metricsPort, logFormat, otlpEndpoint, traceSampleRatio);
  }

  public TelemetryConfig withLogFormat(LogFormat format) {
    return new TelemetryConfig(metricsHost, metricsPort, format, otlpEndpoint, traceSampleRatio);
  }

  public TelemetryConfig withOtlpEndpoint(URI endpoint) {
    return new TelemetryConfig(metricsHost, metricsPort, logFormat, Optional.of(endpoint), traceSampleRatio);
  }

  /** Whether spans are recorded and exported. */
  public boolean tracing() {
    return otlpEndpoint.isPresent();
  }
}
