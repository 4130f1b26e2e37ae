package io.churnwire.server;

import io.churnwire.telemetry.Telemetry;
import io.grpc.ServerInterceptor;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;

/**
 * A server span for every call, child of the caller's W3C {@code traceparent} when it sent one,
 * current while the call's callbacks run. The instrumentation's own RPC metrics are left out (it
 * gets no meters): the server already records gRFC A66 call metrics, and a second set
 * under other names would only confuse dashboards. Nor does a span get an event per message: a
 * {@code PredictBatch} stream carries thousands, which would bloat its span past any use.
 */
final class CallTracing {
  private CallTracing() {}

  /**
   * The tracing interceptor over the tracer and propagators of {@code telemetry}; when spans are
   * not {@code recorded}, only the caller's trace context is carried ({@link TraceContextPropagation}).
   */
  static ServerInterceptor interceptor(Telemetry telemetry, boolean recorded) {
    if (!recorded) {
      return new TraceContextPropagation(telemetry.openTelemetry().getPropagators().getTextMapPropagator());
    }
    return GrpcTelemetry.builder(telemetry.withoutMetrics())
        .setEmitMessageEvents(false)
        .build()
        .createServerInterceptor();
  }
}
