package io.churnwire.server;

import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs the handlers of {@code Predict} and {@code PredictBatch} on the transport thread that read
 * their messages. Those handlers only decode one small message, validate it, take permits and hand
 * the work to the {@link ScoringExecutor}, so a hop through grpc's default application executor
 * first would cost every call a second thread switch for nothing. Every other call keeps the
 * default executor: {@code BatchPredict} (a large message to decode), insights and monitoring
 * (their own executor), model metadata, health and reflection.
 */
final class ScoringCallExecutor implements ServerCallExecutorSupplier {
  private static final Executor ON_TRANSPORT_THREAD = Runnable::run;
  private static final Set<String> SCORING_METHODS = Set.of(
      ChurnServiceGrpc.getPredictMethod().getFullMethodName(),
      ChurnServiceGrpc.getPredictBatchMethod().getFullMethodName());

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
    return SCORING_METHODS.contains(call.getMethodDescriptor().getFullMethodName()) ? ON_TRANSPORT_THREAD : null;
  }
}
