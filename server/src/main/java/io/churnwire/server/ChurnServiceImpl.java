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
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code churnwire.v1.ChurnService}. Validation runs on the transport thread (it is cheap and never
 * blocks); the model runs only on the {@link ScoringExecutor}, after admission.
 */
public final class ChurnServiceImpl extends ChurnServiceGrpc.ChurnServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(ChurnServiceImpl.class);

  private final ModelHolder models;
  private final ScoringExecutor executor;
  private final ServingStats stats;
  private final ServerConfig config;

  public ChurnServiceImpl(ModelHolder models, ScoringExecutor executor, ServingStats stats, ServerConfig config) {
    this.models = models;
    this.executor = executor;
    this.stats = stats;
    this.config = config;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      responses.onError(Statuses.toException(Statuses.noModel()));
      return;
    }
    ServingModel model = current.get();
    String requestId = requestId(request);
    double[] row;
    try {
      row = model.binding().extract(request, "");
    } catch (InvalidRequestException e) {
      stats.recordInvalid();
      log.info("request {} rejected: {}", requestId, e.getMessage());
      responses.onError(Statuses.toException(e.toStatus()));
      return;
    }
    if (!executor.tryAdmit()) {
      stats.recordOverloaded();
      responses.onError(Statuses.overloaded(executor, config.retryPushbackMillis()));
      return;
    }
    Context context = Context.current();
    executor.scoreThenDeliver(() -> {
      if (context.isCancelled()) {
        stats.recordExpired();
        return null;
      }
      try {
        PredictResponse response = respond(request, requestId, model.predict(row, request, request.getExplain()));
        stats.recordScored(1);
        return () -> {
          responses.onNext(response);
          responses.onCompleted();
        };
      } catch (RuntimeException e) {
        log.error("request {} failed while scoring", requestId, e);
        return () -> responses.onError(Statuses.toException(Statuses.internal(requestId)));
      }
    });
  }

  @Override
  public void batchPredict(BatchPredictRequest request, StreamObserver<BatchPredictResponse> responses) {
    if (request.getItemsCount() > config.maxBatchItems()) {
      stats.recordInvalid();
      responses.onError(Statuses.toException(Statuses.invalidField("items",
          "must hold at most " + config.maxBatchItems() + " items, got " + request.getItemsCount()
              + "; split the batch or use the PredictBatch stream")));
      return;
    }
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      responses.onError(Statuses.toException(Statuses.noModel()));
      return;
    }
    if (!executor.tryAdmit()) {
      stats.recordOverloaded();
      responses.onError(Statuses.overloaded(executor, config.retryPushbackMillis()));
      return;
    }
    ServingModel model = current.get();
    Context context = Context.current();
    executor.scoreThenDeliver(() -> {
      if (context.isCancelled()) {
        stats.recordExpired();
        return null;
      }
      BatchPredictResponse.Builder answer = BatchPredictResponse.newBuilder();
      for (PredictBatchRequest item : request.getItemsList()) {
        answer.addResults(scoreItem(model, item));
      }
      BatchPredictResponse response = answer.build();
      return () -> {
        responses.onNext(response);
        responses.onCompleted();
      };
    });
  }

  @Override
  public StreamObserver<PredictBatchRequest> predictBatch(StreamObserver<PredictBatchResponse> responses) {
    return PredictBatchStream.open(
        (ServerCallStreamObserver<PredictBatchResponse>) responses, this, executor, stats,
        config.streamWindow());
  }

  @Override
  public void getModelMetadata(
      GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> responses) {
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      responses.onError(Statuses.toException(Statuses.noModel()));
      return;
    }
    responses.onNext(GetModelMetadataResponse.newBuilder().setModel(current.get().metadata()).build());
    responses.onCompleted();
  }

  /**
   * Scores one batch item with the current model, on the calling (scoring) thread. Problems with
   * the item become its own status; they never escape to end the call.
   */
  PredictBatchResponse scoreItem(PredictBatchRequest item) {
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      return PredictBatchResponse.newBuilder()
          .setItemId(item.getItemId())
          .setError(Statuses.noModel())
          .build();
    }
    return scoreItem(current.get(), item);
  }

  private PredictBatchResponse scoreItem(ServingModel model, PredictBatchRequest item) {
    PredictBatchResponse.Builder answer = PredictBatchResponse.newBuilder().setItemId(item.getItemId());
    PredictRequest request = item.getRequest();
    String requestId = requestId(request);
    try {
      double[] row = model.binding().extract(request, "request.");
      answer.setResponse(respond(request, requestId, model.predict(row, request, request.getExplain())));
      stats.recordScored(1);
    } catch (InvalidRequestException e) {
      stats.recordInvalid();
      answer.setError(e.toStatus());
    } catch (RuntimeException e) {
      log.error("batch item {} (request {}) failed while scoring", item.getItemId(), requestId, e);
      answer.setError(Statuses.internal(requestId));
    }
    return answer.build();
  }

  private static PredictResponse respond(
      PredictRequest request, String requestId, io.churnwire.v1.Prediction prediction) {
    return PredictResponse.newBuilder()
        .setRequestId(requestId)
        .setCustomerId(request.getCustomerId())
        .setPrediction(prediction)
        .build();
  }

  private static String requestId(PredictRequest request) {
    return request.getRequestId().isEmpty() ? UUID.randomUUID().toString() : request.getRequestId();
  }
}
