package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PredictBatchStreamTest {
  private static final int WINDOW = 8;
  private InProcessChurnwire churnwire;

  @AfterEach
  void stop() throws Exception {
    if (churnwire != null) {
      churnwire.close();
    }
  }

  @Test
  void predictBatch_mixOfGoodAndBadItems_answersEveryItemAndCompletes() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withStreamWindow(WINDOW));
    int items = 200;
    StreamClient client = new StreamClient(items, i -> i % 10 == 3
        ? Customers.loyal().toBuilder().clearTotalRevenue().build()
        : Customers.risky().toBuilder().setRequestId("r" + i).build(), Integer.MAX_VALUE);

    churnwire.async().predictBatch(client);

    assertTrue(client.done.await(30, TimeUnit.SECONDS), "stream did not complete");
    assertNull(client.error.get());
    assertEquals(items, client.answers.size());
    for (int i = 0; i < items; i++) {
      PredictBatchResponse answer = client.answers.get("item-" + i);
      if (i % 10 == 3) {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), answer.getError().getCode());
        assertEquals(Map.of("request.total_revenue", "is required; a number from 0 to 1000000000"),
            Errors.violations(answer.getError()));
      } else {
        assertEquals("r" + i, answer.getResponse().getRequestId());
      }
    }
  }

  @Test
  void predictBatch_clientThatDoesNotRead_makesServerStopReadingAtItsWindow() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withStreamWindow(WINDOW));
    int items = 10_000;
    StreamClient client = new StreamClient(items, i -> Customers.risky(), 0);

    churnwire.async().predictBatch(client);
    client.awaitStalled();

    assertTrue(client.sent.get() <= WINDOW,
        "client could send " + client.sent.get() + " items although it read nothing");
    assertTrue(churnwire.application.stats().batchItemsReceived() <= WINDOW);

    client.startReading();

    assertTrue(client.done.await(60, TimeUnit.SECONDS), "stream did not complete once the client read");
    assertEquals(items, client.answers.size());
    assertEquals(items, churnwire.application.stats().batchItemsReceived());
  }

  @Test
  void predictBatch_whileScoringIsSaturated_waitsForCapacityInsteadOfFailing() throws Exception {
    churnwire = InProcessChurnwire.start(
        InProcessChurnwire.config().withStreamWindow(WINDOW).withScoringCapacity(1, 1));
    ScoringExecutor executor = churnwire.application.executor();
    assertTrue(executor.tryAdmit());
    StreamClient client = new StreamClient(20, i -> Customers.loyal(), Integer.MAX_VALUE);

    churnwire.async().predictBatch(client);
    client.awaitStalled();
    assertEquals(0, client.answers.size());

    executor.release();

    assertTrue(client.done.await(30, TimeUnit.SECONDS));
    assertEquals(20, client.answers.size());
    assertTrue(client.answers.values().stream().allMatch(PredictBatchResponse::hasResponse));
  }

  /** Sends {@code total} items while the transport says it may, and reads {@code initialReads} answers. */
  private static final class StreamClient
      implements ClientResponseObserver<PredictBatchRequest, PredictBatchResponse> {
    final Map<String, PredictBatchResponse> answers = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch done = new CountDownLatch(1);
    private final int total;
    private final java.util.function.IntFunction<PredictRequest> requests;
    private final int initialReads;
    private ClientCallStreamObserver<PredictBatchRequest> stream;
    private boolean halfClosed;

    StreamClient(int total, java.util.function.IntFunction<PredictRequest> requests, int initialReads) {
      this.total = total;
      this.requests = requests;
      this.initialReads = initialReads;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PredictBatchRequest> requestStream) {
      this.stream = requestStream;
      requestStream.disableAutoRequestWithInitial(initialReads);
      requestStream.setOnReadyHandler(this::sendWhileReady);
    }

    private synchronized void sendWhileReady() {
      while (stream.isReady() && sent.get() < total) {
        int i = sent.getAndIncrement();
        stream.onNext(PredictBatchRequest.newBuilder().setItemId("item-" + i).setRequest(requests.apply(i)).build());
      }
      if (sent.get() == total && !halfClosed) {
        halfClosed = true;
        stream.onCompleted();
      }
    }

    /** Waits until the client has been unable to send for a while. */
    void awaitStalled() throws InterruptedException {
      int last = -1;
      for (int quietRounds = 0; quietRounds < 5; ) {
        Thread.sleep(50);
        int now = sent.get();
        quietRounds = now == last ? quietRounds + 1 : 0;
        last = now;
      }
    }

    void startReading() {
      stream.request(Integer.MAX_VALUE);
    }

    @Override
    public void onNext(PredictBatchResponse value) {
      answers.put(value.getItemId(), value);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      done.countDown();
    }

    @Override
    public void onCompleted() {
      done.countDown();
    }
  }

}
