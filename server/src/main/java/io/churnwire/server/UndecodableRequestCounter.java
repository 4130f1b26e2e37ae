package io.churnwire.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Counts the undecodable requests of unary scoring calls, which {@link RequestGuard} answers
 * itself before any handler sees them; placed outside the guard, it sees each {@link DecodeFailure}
 * as it passes. A stream's undecodable items reach the stream, which counts them with its other
 * answers, so they are not counted here.
 */
final class UndecodableRequestCounter implements ServerInterceptor {
  private final ServerMetrics metrics;

  UndecodableRequestCounter(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    ScoringMethod method = ScoringMethod.ofBareName(call.getMethodDescriptor().getBareMethodName());
    ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
    if (method == null || !call.getMethodDescriptor().getType().clientSendsOneMessage()) {
      return listener;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        if (message instanceof DecodeFailure failure) {
          metrics.invalidField(method, failure.field());
        }
        super.onMessage(message);
      }
    };
  }
}
