package io.churnwire.server;

import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;

/**
 * A server span for every call, child of the caller's W3C {@code traceparent} when it sent one,
 * current while the call's callbacks run. The instrumentation's own RPC metrics are left out (it
 * gets a no-op meter provider): the server already records gRFC A66 call metrics, and a second set
 * under other names would only confuse dashboards. Nor does a span get an event per message: a
 * {@code PredictBatch} stream carries thousands, which would bloat its span past any use.
 */
final class CallTracing {
  private CallTracing() {}

  /**
   * The tracing interceptor over the tracer and propagators of {@code openTelemetry}; when spans are
   * not {@code recorded}, only the caller's trace context is carried ({@link TraceContextPropagation}).
   */
  static ServerInterceptor interceptor(OpenTelemetry openTelemetry, boolean recorded) {
    if (!recorded) {
      return new TraceContextPropagation(openTelemetry.getPropagators().getTextMapPropagator());
    }
    return GrpcTelemetry.builder(new TracesOnly(openTelemetry))
        .setEmitMessageEvents(false)
        .build()
        .createServerInterceptor();
  }

  /** {@code delegate}'s tracer and propagators with no meters. */
  private record TracesOnly(OpenTelemetry delegate) implements OpenTelemetry {
    @Override
    public TracerProvider getTracerProvider() {
      return delegate.getTracerProvider();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return MeterProvider.noop();
    }

    @Override
    public ContextPropagators getPropagators() {
      return delegate.getPropagators();
    }
  }
}
