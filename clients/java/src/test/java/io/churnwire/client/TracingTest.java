package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ServerApplication;
import io.churnwire.testsupport.Customers;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private final AtomicReference<String> received = new AtomicReference<>();
  private ServerApplication server;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor recordTraceparent = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
          Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
        received.set(headers.get(TRACEPARENT));
        return next.startCall(call, headers);
      }
    };
    server = LiveServer.start(LiveServer.config(), recordTraceparent);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void clientWithOpenTelemetry_sendsTheCurrentTraceAsTraceparent() {
    OpenTelemetry propagating = OpenTelemetry.propagating(
        ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    SpanContext caller = SpanContext.createFromRemoteParent(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(),
        TraceState.getDefault());
    try (ChurnClient client = ChurnClient.builder(LiveServer.target(server)).openTelemetry(propagating).build();
        Scope ignored = Span.wrap(caller).makeCurrent()) {
      client.predict(Customers.risky());
    }

    assertTrue(received.get().startsWith("00-" + TRACE_ID + "-"), received.get());
  }

  @Test
  void clientWithoutOpenTelemetry_sendsNoTraceContext() {
    try (ChurnClient client = ChurnClient.builder(LiveServer.target(server)).build()) {
      client.predict(Customers.risky());
    }

    assertNull(received.get());
  }
}
