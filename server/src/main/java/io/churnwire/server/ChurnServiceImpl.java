package io.churnwire.server;

import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.GetModelMetadataResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.PredictionMethod;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * {@code churnwire.v1.ChurnService}: the gRPC face of the {@link Predictor}. Validation runs on the
 * transport thread (it is cheap and never blocks); the model runs only on the
 * {@link ScoringExecutor}, after admission, which charges each call its {@link ScoringCost}.
 *
 * <p>A unary {@code Predict} answers under the call's id (its {@code x-request-id}, else its own
 * {@code request_id}, else an assigned one); batch and stream items keep their own ids, and the
 * call's is its header's or an assigned one.
 */
public final class ChurnServiceImpl extends ChurnServiceGrpc.ChurnServiceImplBase {
  private final Predictor predictor;
  private final ScoringExecutor executor;
  private final ServingStats stats;
  private final ServerConfig config;
  private final ServerMetrics metrics;

  public ChurnServiceImpl(Predictor predictor, ScoringExecutor executor, ServingStats stats, ServerConfig config) {
    this(predictor, executor, stats, config, ServerMetrics.none());
  }

  /** As above, counting what it answers in {@code metrics}. */
  public ChurnServiceImpl(Predictor predictor, ScoringExecutor executor, ServingStats stats, ServerConfig config,
      ServerMetrics metrics) {
    this.predictor = predictor;
    this.executor = executor;
    this.stats = stats;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
    Optional<CallRecord> call = CallRecord.current();
    Predictor.Preparation preparation =
        predictor.prepare(request, "", call.map(record -> record.choose(request.getRequestId())).orElse(null),
            PredictionOrigin.ofCall(PredictionMethod.PREDICTION_METHOD_PREDICT));
    if (!preparation.ok()) {
      metrics.refused(ScoringMethod.PREDICT, preparation.refusal());
      responses.onError(Statuses.toException(preparation.refusal()));
      return;
    }
    int cost = ScoringCost.of(request);
    if (!executor.tryAdmit(cost)) {
      overloaded(ScoringMethod.PREDICT, responses);
      return;
    }
    Predictor.Prepared prepared = preparation.prepared();
    Context context = Context.current();
    executor.scoreThenDeliver(cost, () -> {
      if (CallLiveness.isGone(context)) {
        stats.recordExpired();
        return null;
      }
      Optional<PredictResponse> response;
      try {
        response = predictor.answer(prepared);
      } catch (Throwable t) {
        response = Optional.empty();
      }
      Optional<PredictResponse> answer = response;
      if (answer.isPresent()) {
        call.ifPresent(record -> record.servedBy(prepared.model().version()));
      }
      return () -> {
        if (answer.isPresent()) {
          metrics.predicted(ScoringMethod.PREDICT, answer.get().getPrediction());
          responses.onNext(answer.get());
          responses.onCompleted();
        } else {
          metrics.scoringFailed(ScoringMethod.PREDICT);
          responses.onError(Statuses.toException(Predictor.failed(prepared)));
        }
      };
    });
  }

  @Override
  public void batchPredict(BatchPredictRequest request, StreamObserver<BatchPredictResponse> responses) {
    CallRecord.current().ifPresent(record -> record.choose(null));
    if (request.getItemsCount() > config.maxBatchItems()) {
      stats.recordInvalid();
      metrics.invalidField(ScoringMethod.BATCH_PREDICT, "items");
      responses.onError(Statuses.toException(Statuses.invalidField("items",
          "must hold at most " + config.maxBatchItems() + " items, got " + request.getItemsCount()
              + "; split the batch or use the PredictBatch stream")));
      return;
    }
    if (predictor.model().isEmpty()) {
      responses.onError(Statuses.toException(Statuses.noModel()));
      return;
    }
    if (!BatchPredictCall.start(request.getItemsList(), responses, predictor, executor, stats, metrics)) {
      overloaded(ScoringMethod.BATCH_PREDICT, responses);
    }
  }

  @Override
  public StreamObserver<PredictBatchRequest> predictBatch(StreamObserver<PredictBatchResponse> responses) {
    CallRecord.current().ifPresent(record -> record.choose(null));
    return PredictBatchStream.open(
        (ServerCallStreamObserver<PredictBatchResponse>) responses, predictor, executor, stats,
        config.streamWindow(), metrics);
  }

  @Override
  public void getModelMetadata(
      GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> responses) {
    Optional<ServingModel> current = predictor.model();
    if (current.isEmpty()) {
      responses.onError(Statuses.toException(Statuses.noModel()));
      return;
    }
    responses.onNext(GetModelMetadataResponse.newBuilder().setModel(current.get().metadata()).build());
    responses.onCompleted();
  }

  private void overloaded(ScoringMethod method, StreamObserver<?> responses) {
    stats.recordOverloaded();
    metrics.admissionRejected(method);
    responses.onError(Statuses.overloaded(executor, config.retryPushbackMillis()));
  }
}
