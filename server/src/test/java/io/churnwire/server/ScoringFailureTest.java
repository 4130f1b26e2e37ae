package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.Prediction;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.StreamRecorder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model that fails with an {@link Error}, not just an exception: every call is still answered,
 * {@code INTERNAL} with the request id to quote, and permits and stream windows come back.
 */
class ScoringFailureTest {
  private static final String BOOM = "boom";

  private final ServingStats stats = new ServingStats();
  private ScoringExecutor executor;
  private Server server;
  private ManagedChannel channel;

  /** Fails with an Error on every request whose customer id starts with {@value #BOOM}, and on every block. */
  private static final class FailingScorer implements Predictor.Scorer {
    @Override
    public Prediction predict(Predictor.Prepared prepared) {
      if (prepared.request().getCustomerId().startsWith(BOOM)) {
        throw new StackOverflowError("the model recursed forever");
      }
      return Predictor.Scorer.MODEL.predict(prepared);
    }

    @Override
    public void probabilities(ServingModel model, double[] rows, int count, double[] out) {
      throw new OutOfMemoryError("no room for a block");
    }
  }

  @BeforeEach
  void start() throws Exception {
    ModelHolder models = new ModelHolder();
    models.swap(ServingModel.of(TestModels.small()));
    executor = new ScoringExecutor(1, 2);
    ServerConfig config = InProcessChurnwire.config().withScoringCapacity(1, 2).withStreamWindow(4);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(RequestGuard.guard(new ChurnServiceImpl(new Predictor(models, stats, new FailingScorer(), PredictionSink.NONE),
            executor, stats, config)))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    executor.close();
  }

  @Test
  void predict_modelThrowsAnError_isInternalNamingTheRequestId_andTheServerGoesOn() {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> blocking().predict(
        Customers.risky().toBuilder().setCustomerId(BOOM).setRequestId("req-42").build()));

    assertEquals(Status.Code.INTERNAL, error.getStatus().getCode());
    assertTrue(error.getStatus().getDescription().contains("req-42"), error.getStatus().getDescription());
    assertEquals(1, stats.failed());
    assertEquals(0, executor.inFlight());
    assertTrue(blocking().predict(Customers.risky()).hasPrediction());
  }

  @Test
  void predictBatch_itemsWhoseScoringThrowsAnError_areAnsweredInternalAndTheStreamCompletes() throws Exception {
    StreamRecorder<PredictBatchResponse> recorder = StreamRecorder.create();
    StreamObserver<PredictBatchRequest> requests = ChurnServiceGrpc.newStub(channel).predictBatch(recorder);

    for (int i = 0; i < 30; i++) {
      requests.onNext(PredictBatchRequest.newBuilder().setItemId("i" + i).setRequest(Customers.risky().toBuilder()
          .setCustomerId(i % 3 == 0 ? BOOM + i : "ok" + i).setRequestId("r" + i)).build());
    }
    requests.onCompleted();

    assertTrue(recorder.awaitCompletion(30, TimeUnit.SECONDS));
    assertNull(recorder.getError());
    List<PredictBatchResponse> answers = recorder.getValues();
    assertEquals(30, answers.size());
    for (PredictBatchResponse answer : answers) {
      int i = Integer.parseInt(answer.getItemId().substring(1));
      if (i % 3 == 0) {
        assertEquals(Status.Code.INTERNAL.value(), answer.getError().getCode());
        assertTrue(answer.getError().getMessage().contains("r" + i), answer.getError().getMessage());
      } else {
        assertTrue(answer.hasResponse(), answer::toString);
      }
    }
    assertEquals(0, executor.inFlight());
  }

  @Test
  void batchPredict_blockAndItemsThrowErrors_answersEveryItemAndCompletes() {
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    for (int i = 0; i < 40; i++) {
      batch.addItems(PredictBatchRequest.newBuilder().setItemId("i" + i).setRequest(Customers.risky().toBuilder()
          .setCustomerId(i % 4 == 0 ? BOOM : "ok").setRequestId("r" + i)));
    }

    BatchPredictResponse response = blocking().batchPredict(batch.build());

    assertEquals(40, response.getResultsCount());
    for (int i = 0; i < 40; i++) {
      PredictBatchResponse result = response.getResults(i);
      assertEquals(i % 4 == 0, result.hasError(), result::toString);
      if (i % 4 == 0) {
        assertEquals(Status.Code.INTERNAL.value(), result.getError().getCode());
      }
    }
    assertEquals(0, executor.inFlight());
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub blocking() {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
