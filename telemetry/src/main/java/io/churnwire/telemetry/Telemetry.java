package io.churnwire.telemetry;

import com.sun.net.httpserver.HttpHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.OpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;

/**
 * One process's OpenTelemetry: meters read by Prometheus on the metrics port (histograms, never
 * summaries, so percentiles aggregate across replicas), JVM and process metrics beside them, W3C
 * {@code traceparent} propagation, and spans exported over OTLP/HTTP when an endpoint is configured.
 *
 * <p>Without an endpoint no span is recorded: the tracer is OpenTelemetry's no-op one, which costs
 * nothing but still carries a caller's trace context on, so the ids a client or Envoy sent still
 * reach the logs and the calls made downstream. With the metrics port off, meters are no-ops too.
 */
public final class Telemetry implements AutoCloseable {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final OpenTelemetrySdk sdk;
  private final OpenTelemetry openTelemetry;
  private final PrometheusRegistry registry;
  private final Optional<MetricsServer> metricsServer;

  private Telemetry(OpenTelemetrySdk sdk, OpenTelemetry openTelemetry, PrometheusRegistry registry,
      Optional<MetricsServer> metricsServer) {
    this.sdk = sdk;
    this.openTelemetry = openTelemetry;
    this.registry = registry;
    this.metricsServer = metricsServer;
  }

  /**
   * Builds the SDK for {@code serviceName} and, unless {@code config} turns it off, binds the
   * metrics port.
   *
   * @throws IOException when the metrics port cannot be bound
   */
  public static Telemetry start(String serviceName, TelemetryConfig config) throws IOException {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName)));
    PrometheusRegistry registry = new PrometheusRegistry();
    PrometheusMetricReader reader = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    registry.register(reader);
    JvmMetrics.builder().register(registry);
    OpenTelemetrySdkBuilder builder = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    config.otlpEndpoint().ifPresent(endpoint -> builder.setTracerProvider(SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.traceSampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(
            OtlpHttpSpanExporter.builder().setEndpoint(endpoint.toString()).build()).build())
        .build()));
    OpenTelemetrySdk sdk = builder.build();
    OpenTelemetry openTelemetry = new Instrumentation(
        config.tracing() ? sdk.getTracerProvider() : TracerProvider.noop(),
        config.metricsPort() >= 0 ? sdk.getMeterProvider() : MeterProvider.noop(),
        sdk.getPropagators());
    Optional<MetricsServer> server = Optional.empty();
    if (config.metricsPort() >= 0) {
      try {
        server = Optional.of(MetricsServer.start(config.metricsHost(), config.metricsPort(), registry));
      } catch (IOException e) {
        sdk.close();
        throw new IOException("cannot bind the metrics port " + config.metricsHost() + ":" + config.metricsPort()
            + ": " + e.getMessage(), e);
      }
    }
    return new Telemetry(sdk, openTelemetry, registry, server);
  }

  /** The SDK, for instrumentation libraries (grpc-java's metrics, tracing interceptors). */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * The tracer and propagators of {@link #openTelemetry()} without meters, for instrumentation
   * whose own metrics would duplicate ones already recorded.
   */
  public OpenTelemetry withoutMetrics() {
    return new Instrumentation(openTelemetry.getTracerProvider(), MeterProvider.noop(),
        openTelemetry.getPropagators());
  }

  /** A meter for the instruments of {@code scope} (e.g. {@code "io.churnwire.server"}). */
  public Meter meter(String scope) {
    return openTelemetry.getMeter(scope);
  }

  /** Where the metrics are collected, for collectors that are not OpenTelemetry instruments. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The bound metrics port, or -1 when it is off. */
  public int metricsPort() {
    return metricsServer.map(MetricsServer::port).orElse(-1);
  }

  /**
   * Serves {@code path} on the metrics port with {@code handler}.
   *
   * @return false when the metrics port is off
   */
  public boolean handle(String path, HttpHandler handler) {
    metricsServer.ifPresent(server -> server.handle(path, handler));
    return metricsServer.isPresent();
  }

  /** Stops the metrics port and flushes spans not yet exported. */
  @Override
  public void close() {
    metricsServer.ifPresent(MetricsServer::close);
    sdk.close();
  }

  /**
   * What instrumentation sees: the SDK's tracer only when spans are exported, its meters only when
   * they are scraped, so whatever is switched off costs nothing on the call path.
   */
  private record Instrumentation(TracerProvider getTracerProvider, MeterProvider getMeterProvider,
      ContextPropagators getPropagators) implements OpenTelemetry {}
}
