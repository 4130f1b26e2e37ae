package io.churnwire.server;

import io.churnwire.telemetry.Logging;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per call on the logger {@value #LOGGER}, written when the call ends: its method,
 * status code, duration, the model version that scored it (when one did) and its request id, with
 * the id in the MDC and the trace id of the call's span beside it. In JSON lines each of these is
 * also a field of its own ({@code grpc_method}, {@code grpc_status}, {@code duration_ms},
 * {@code model_version}). Nothing of a request's content is ever written.
 *
 * <p>Installed outside every interceptor and guard that can refuse a call (tokens, undecodable
 * requests, admission), so every call's final status is seen: an answer's when the server closes
 * the call, {@code CANCELLED} or {@code DEADLINE_EXCEEDED} when the caller leaves first.
 *
 * <p>Successful health checks and reflection calls are not logged: load balancers, Envoy and
 * Kubernetes probe every few seconds, and a line per probe would drown the calls that matter (the
 * convention of most gRPC and HTTP access logs). A failing one is logged like any call.
 */
final class AccessLog implements ServerInterceptor {
  /** The access log's logger, so it can be routed or silenced on its own. */
  static final String LOGGER = "io.churnwire.access";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final Set<String> PROBES = Set.of(HealthGrpc.SERVICE_NAME,
      "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    Line line = new Line(call.getMethodDescriptor().getFullMethodName(),
        PROBES.contains(call.getMethodDescriptor().getServiceName()),
        CallRecord.current().orElseGet(() -> new CallRecord(Optional.empty())), System.nanoTime());
    ServerCall.Listener<ReqT> listener = next.startCall(new LoggedCall<>(call, line), headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        Status cause = Contexts.statusFromCancelled(Context.current());
        line.write(cause != null && cause.getCode() == Status.Code.DEADLINE_EXCEEDED
            ? Status.DEADLINE_EXCEEDED : Status.CANCELLED);
        super.onCancel();
      }
    };
  }

  /** The line of one call, written once, by whichever ends it first. */
  private static final class Line {
    private final String method;
    private final boolean probe;
    private final CallRecord record;
    private final long startNanos;
    private final AtomicBoolean written = new AtomicBoolean();

    Line(String method, boolean probe, CallRecord record, long startNanos) {
      this.method = method;
      this.probe = probe;
      this.record = record;
      this.startNanos = startNanos;
    }

    void write(Status status) {
      if (!written.compareAndSet(false, true) || (probe && status.isOk()) || !log.isInfoEnabled()) {
        return;
      }
      double millis = (System.nanoTime() - startNanos) / (double) TimeUnit.MILLISECONDS.toNanos(1);
      String duration = String.format("%.3f", millis);
      String id = record.id();
      Optional<String> version = record.modelVersion();
      String previous = MDC.get(Logging.REQUEST_ID);
      MDC.put(Logging.REQUEST_ID, id);
      try {
        LoggingEventBuilder event = log.atInfo()
            .addKeyValue("grpc_method", method)
            .addKeyValue("grpc_status", status.getCode().name())
            .addKeyValue("duration_ms", Double.valueOf(duration));
        version.ifPresent(v -> event.addKeyValue("model_version", v));
        event.log("{} {} {} ms{}", method, status.getCode(), duration,
            version.map(v -> " model_version=" + v).orElse(""));
      } finally {
        if (previous == null) {
          MDC.remove(Logging.REQUEST_ID);
        } else {
          MDC.put(Logging.REQUEST_ID, previous);
        }
      }
    }
  }

  /** Writes the line as the server closes the call, before the caller can see the status. */
  private static final class LoggedCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final Line line;

    LoggedCall(ServerCall<ReqT, RespT> delegate, Line line) {
      super(delegate);
      this.line = line;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      line.write(status);
      super.close(status, trailers);
    }
  }
}
