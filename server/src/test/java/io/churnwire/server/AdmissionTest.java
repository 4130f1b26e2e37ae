package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.PredictBatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Overload is refused at once with a retry hint, and expired work is dropped unscored. */
class AdmissionTest {
  private InProcessChurnwire churnwire;
  private ScoringExecutor executor;

  @BeforeEach
  void start() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withScoringCapacity(1, 1));
    executor = churnwire.application.executor();
  }

  @AfterEach
  void stop() throws Exception {
    churnwire.close();
  }

  @Test
  void predict_whenScoringIsSaturated_isResourceExhaustedWithRetryPushback() throws Exception {
    assertTrue(executor.tryAdmit(), "test occupies the only scoring slot");

    StatusRuntimeException error =
        assertThrows(StatusRuntimeException.class, () -> churnwire.blocking().predict(Customers.risky()));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());
    assertEquals("100", error.getTrailers().get(Statuses.RETRY_PUSHBACK_MS));
    RetryInfo retry = StatusProto.fromThrowable(error).getDetailsList().stream()
        .filter(any -> any.is(RetryInfo.class)).findFirst().orElseThrow().unpack(RetryInfo.class);
    assertEquals(100_000_000, retry.getRetryDelay().getNanos());
    assertEquals(1, churnwire.application.stats().overloaded());
  }

  @Test
  void batchPredict_whenScoringIsSaturated_isResourceExhausted() {
    assertTrue(executor.tryAdmit());

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().batchPredict(BatchPredictRequest.newBuilder()
            .addItems(PredictBatchRequest.newBuilder().setRequest(Customers.risky())).build()));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());
  }

  @Test
  void predict_afterOverloadEnds_servesAgain() {
    assertTrue(executor.tryAdmit());
    assertThrows(StatusRuntimeException.class, () -> churnwire.blocking().predict(Customers.risky()));

    executor.release();

    assertTrue(churnwire.blocking().predict(Customers.risky()).hasPrediction());
  }

  @Test
  void predict_sentTheMomentThePreviousAnswerArrives_findsTheOnlySlotFreeAgain() {
    for (int i = 0; i < 200; i++) {
      assertTrue(churnwire.blocking().predict(Customers.risky()).hasPrediction(), "call " + i);
    }

    assertEquals(0, churnwire.application.stats().overloaded());
  }

  @Test
  void predict_whoseDeadlinePassesWhileQueued_isDroppedUnscored() throws Exception {
    churnwire.close();
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withScoringCapacity(1, 2));
    executor = churnwire.application.executor();
    CountDownLatch release = new CountDownLatch(1);
    assertTrue(executor.tryAdmit());
    executor.execute(() -> awaitQuietly(release));

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().withDeadlineAfter(200, TimeUnit.MILLISECONDS).predict(Customers.risky()));
    release.countDown();

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.getStatus().getCode());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (churnwire.application.stats().expired() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, churnwire.application.stats().expired());
    assertEquals(0, churnwire.application.stats().scored());
  }

  @Test
  void predict_withDeadlineAlreadyPassed_isDeadlineExceeded() {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().withDeadlineAfter(-1, TimeUnit.SECONDS).predict(Customers.risky()));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.getStatus().getCode());
    assertEquals(0, churnwire.application.stats().scored());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
