package io.churnwire.server;

import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictionMethod;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code BatchPredict} call, scored as a sequence of {@link ScoringCost#chunks chunks} that
 * each take the permits of their own cost. Only the first chunk's admission can refuse the call
 * ({@code RESOURCE_EXHAUSTED}, at once); later chunks wait for capacity, so a batch costing more
 * than the whole capacity still gets through, while sharing the server with other callers. Between
 * chunks the call's cancellation and deadline are checked, so a batch whose caller left stops
 * after the chunk in hand.
 */
final class BatchPredictCall {
  private final List<List<PredictBatchRequest>> chunks;
  private final StreamObserver<BatchPredictResponse> responses;
  private final Predictor predictor;
  private final ScoringExecutor executor;
  private final ServingStats stats;
  private final ServerMetrics metrics;
  private final Context context;
  private final Optional<CallRecord> record;
  private final PredictionOrigin origin;
  private final List<PredictBatchResponse> results;
  private int next;
  private volatile ScoringExecutor.Waiter registration;

  private BatchPredictCall(List<PredictBatchRequest> items, StreamObserver<BatchPredictResponse> responses,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, ServerMetrics metrics) {
    this.chunks = ScoringCost.chunks(items);
    this.responses = responses;
    this.predictor = predictor;
    this.executor = executor;
    this.stats = stats;
    this.metrics = metrics;
    this.context = Context.current();
    this.record = CallRecord.current();
    this.origin = PredictionOrigin.ofCall(PredictionMethod.PREDICTION_METHOD_BATCH_PREDICT);
    this.results = new ArrayList<>(items.size());
  }

  /**
   * Admits the first chunk of {@code items} and starts scoring.
   *
   * @return false, having done nothing, when the first chunk's permits are not free
   */
  static boolean start(List<PredictBatchRequest> items, StreamObserver<BatchPredictResponse> responses,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, ServerMetrics metrics) {
    BatchPredictCall call = new BatchPredictCall(items, responses, predictor, executor, stats, metrics);
    if (call.chunks.isEmpty()) {
      responses.onNext(BatchPredictResponse.getDefaultInstance());
      responses.onCompleted();
      return true;
    }
    int cost = ScoringCost.of(call.chunks.get(0));
    if (!executor.tryAdmit(cost)) {
      return false;
    }
    call.context.addListener(cancelled -> call.stopWaiting(), Runnable::run);
    call.submit(cost);
    return true;
  }

  private void submit(int cost) {
    try {
      executor.scoreThenDeliver(cost, this::scoreChunk);
    } catch (RejectedExecutionException e) {
      responses.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
    }
  }

  /** Scores the next chunk on a scoring thread; chunks run one after another, never at once. */
  private Runnable scoreChunk() {
    if (CallLiveness.isGone(context)) {
      stats.recordExpired();
      return null;
    }
    List<PredictBatchRequest> chunk = chunks.get(next++);
    int answered = results.size();
    try {
      List<PredictBatchResponse> answers = predictor.answerAll(chunk, origin);
      results.addAll(answers);
      record.ifPresent(call -> answers.forEach(call::servedBy));
    } catch (Throwable t) {
      chunk.forEach(item -> results.add(Predictor.failedItem(item)));
    }
    results.subList(answered, results.size())
        .forEach(result -> metrics.answered(ScoringMethod.BATCH_PREDICT, result));
    if (next < chunks.size()) {
      return this::continueWithNextChunk;
    }
    BatchPredictResponse answer = BatchPredictResponse.newBuilder().addAllResults(results).build();
    return () -> {
      responses.onNext(answer);
      responses.onCompleted();
    };
  }

  private void continueWithNextChunk() {
    if (CallLiveness.isGone(context)) {
      stats.recordExpired();
      return;
    }
    int cost = ScoringCost.of(chunks.get(next));
    if (executor.tryAdmit(cost)) {
      submit(cost);
      return;
    }
    registration = executor.whenCapacity(cost, this::continueWithNextChunk);
    if (context.isCancelled()) {
      stopWaiting();
    }
  }

  private void stopWaiting() {
    ScoringExecutor.Waiter waiter = registration;
    if (waiter != null) {
      waiter.cancel();
    }
  }
}
