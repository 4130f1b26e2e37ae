package io.churnwire.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the retry attempts grpc-java's retry machinery makes. Interceptors sit above that
 * machinery and see one call however many attempts it takes, but stream tracers are created once
 * per attempt and told how many attempts came before.
 */
final class RetryCounter implements ClientInterceptor {
  private static final ClientStreamTracer NOOP = new ClientStreamTracer() {};

  private final LongAdder retries = new LongAdder();
  private final ClientStreamTracer.Factory perAttempt = new ClientStreamTracer.Factory() {
    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      if (info.getPreviousAttempts() > 0 && !info.isTransparentRetry()) {
        retries.increment();
      }
      return NOOP;
    }
  };

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return next.newCall(method, callOptions.withStreamTracerFactory(perAttempt));
  }

  long retries() {
    return retries.sum();
  }
}
