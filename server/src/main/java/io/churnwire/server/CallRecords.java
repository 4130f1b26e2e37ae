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
import org.slf4j.MDC;

/**
 * Gives every call its {@link CallRecord}: takes the caller's {@code x-request-id} when acceptable
 * (see {@link RequestIds}), answers the call's id in the response header {@code x-request-id} (in
 * the trailers of an answer that sends no headers, which HTTP carries as its one header block),
 * and puts the id in the MDC of the thread running each of the call's callbacks, removing it after.
 * Installed outside every interceptor that can refuse a call, so refused calls are answered with an
 * id too.
 */
final class CallRecords implements ServerInterceptor {
  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    CallRecord record = new CallRecord(RequestIds.accepted(headers.get(RequestIds.HEADER)),
        PredictionOrigin.interfaceNamed(headers.get(PredictionOrigin.INTERFACE_HEADER)));
    Context context = record.attachTo(Context.current());
    ServerCall<ReqT, RespT> answering = new IdAnsweringCall<>(call, record);
    String previous = enter(record);
    try {
      return new IdLoggingListener<>(Contexts.interceptCall(context, answering, headers, next), record);
    } finally {
      leave(previous);
    }
  }

  private static String enter(CallRecord record) {
    String previous = MDC.get(Logging.REQUEST_ID);
    record.known().ifPresentOrElse(id -> MDC.put(Logging.REQUEST_ID, id), () -> MDC.remove(Logging.REQUEST_ID));
    return previous;
  }

  private static void leave(String previous) {
    if (previous == null) {
      MDC.remove(Logging.REQUEST_ID);
    } else {
      MDC.put(Logging.REQUEST_ID, previous);
    }
  }

  /** Sends the call's id with the response headers, or with the trailers when no headers went. */
  private static final class IdAnsweringCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final CallRecord record;
    private volatile boolean headersSent;

    IdAnsweringCall(ServerCall<ReqT, RespT> delegate, CallRecord record) {
      super(delegate);
      this.record = record;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      headers.discardAll(RequestIds.HEADER);
      headers.put(RequestIds.HEADER, record.id());
      headersSent = true;
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!headersSent) {
        trailers.discardAll(RequestIds.HEADER);
        trailers.put(RequestIds.HEADER, record.id());
      }
      super.close(status, trailers);
    }
  }

  /** Runs each callback with the call's id, once known, in the MDC. */
  private static final class IdLoggingListener<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final CallRecord record;

    IdLoggingListener(ServerCall.Listener<ReqT> delegate, CallRecord record) {
      super(delegate);
      this.record = record;
    }

    @Override
    public void onMessage(ReqT message) {
      String previous = enter(record);
      try {
        super.onMessage(message);
      } finally {
        leave(previous);
      }
    }

    @Override
    public void onHalfClose() {
      String previous = enter(record);
      try {
        super.onHalfClose();
      } finally {
        leave(previous);
      }
    }

    @Override
    public void onCancel() {
      String previous = enter(record);
      try {
        super.onCancel();
      } finally {
        leave(previous);
      }
    }

    @Override
    public void onComplete() {
      String previous = enter(record);
      try {
        super.onComplete();
      } finally {
        leave(previous);
      }
    }

    @Override
    public void onReady() {
      String previous = enter(record);
      try {
        super.onReady();
      } finally {
        leave(previous);
      }
    }
  }
}
