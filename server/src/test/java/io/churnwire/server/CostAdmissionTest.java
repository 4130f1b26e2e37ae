package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.StreamRecorder;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission charges work by its cost, and a batch whose caller is gone stops burning CPU. */
class CostAdmissionTest {
  private InProcessChurnwire churnwire;

  @AfterEach
  void stop() throws Exception {
    churnwire.close();
  }

  @Test
  void predict_explained_isRefusedWhenFewerPermitsThanItsCostAreFree_whilePlainIsServed() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withScoringCapacity(1, 20));
    assertTrue(churnwire.application.executor().tryAdmit(10), "the test holds half the capacity");

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().predict(Customers.risky().toBuilder().setExplain(true).build()));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());
    assertTrue(churnwire.blocking().predict(Customers.risky()).hasPrediction());
  }

  @Test
  void batchPredict_costingFarMoreThanTheWholeCapacity_isAnsweredInFullOnAnIdleServer() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withScoringCapacity(1, 2));
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    for (int i = 0; i < 300; i++) {
      batch.addItems(PredictBatchRequest.newBuilder().setItemId("i" + i)
          .setRequest(Customers.risky().toBuilder().setExplain(i % 10 == 0)));
    }

    BatchPredictResponse response = churnwire.blocking().batchPredict(batch.build());

    assertEquals(300, response.getResultsCount());
    for (int i = 0; i < 300; i++) {
      PredictBatchResponse result = response.getResults(i);
      assertEquals("i" + i, result.getItemId());
      assertTrue(result.hasResponse(), result::toString);
      assertEquals(i % 10 == 0, result.getResponse().getPrediction().getTopFactorsCount() > 0);
    }
    assertEquals(0, churnwire.application.executor().inFlight());
  }

  @Test
  void batchPredict_whoseClientCancels_stopsScoringWithinAChunk() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config());
    ServingStats stats = churnwire.application.stats();
    Context.CancellableContext call = Context.current().withCancellation();
    StreamRecorder<BatchPredictResponse> recorder = StreamRecorder.create();

    call.run(() -> churnwire.async().batchPredict(explainedBatch(1_000), recorder));
    awaitTrue(() -> stats.scored() > 0);
    long scoredAtCancel = stats.scored();
    call.cancel(null);
    awaitTrue(() -> stats.expired() > 0);

    assertTrue(recorder.awaitCompletion(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(recorder.getError()).getCode());
    long scoredAfterCancel = stats.scored() - scoredAtCancel;
    assertTrue(scoredAfterCancel <= 2, scoredAfterCancel + " items scored after the client left");
    assertEquals(0, churnwire.application.executor().inFlight());
  }

  @Test
  void batchPredict_whoseDeadlinePasses_stopsScoringBeforeTheEnd() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config());
    ServingStats stats = churnwire.application.stats();

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().withDeadlineAfter(50, TimeUnit.MILLISECONDS).batchPredict(explainedBatch(1_000)));
    awaitTrue(() -> stats.expired() > 0);

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.getStatus().getCode());
    assertTrue(stats.scored() < 1_000, stats.scored() + " items scored");
  }

  private static BatchPredictRequest explainedBatch(int items) {
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    for (int i = 0; i < items; i++) {
      batch.addItems(PredictBatchRequest.newBuilder().setItemId("x" + i)
          .setRequest(Customers.risky().toBuilder().setExplain(true)));
    }
    return batch.build();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached in 30 s");
      Thread.sleep(1);
    }
  }
}
