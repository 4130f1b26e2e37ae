package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code PredictBatch} scores the items that wait together as one block, on a real Netty server. */
class StreamBlockScoringTest {
  private static final int ITEMS = 8;
  private static final int INVALID = 3;

  private ServerApplication application;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void predictBatch_itemsWaitingWhileScoringIsBusy_areScoredAsOneBlockAndAnsweredInOrderWithTheirOwnErrors()
      throws Exception {
    application = ServerApplication.startOnNetty(
        InProcessChurnwire.config().withScoringCapacity(1, 64).withStreamWindow(ITEMS), TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    CountDownLatch busy = occupyTheScoringThread(application.executor());
    List<PredictBatchResponse> answers = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<PredictBatchRequest> requests = ChurnServiceGrpc.newStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .predictBatch(collect(answers, error, done));

    for (int i = 0; i < ITEMS; i++) {
      requests.onNext(Customers.item("item-" + i,
          i == INVALID ? Customers.loyal().toBuilder().clearTotalRevenue().build() : Customers.risky()));
    }
    requests.onCompleted();
    awaitReceived(ITEMS);
    busy.countDown();

    assertTrue(done.await(30, TimeUnit.SECONDS), "stream did not complete");
    assertNull(error.get());
    assertEquals(IntStream.range(0, ITEMS).mapToObj(i -> "item-" + i).toList(),
        answers.stream().map(PredictBatchResponse::getItemId).toList());
    for (int i = 0; i < ITEMS; i++) {
      PredictBatchResponse answer = answers.get(i);
      if (i == INVALID) {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), answer.getError().getCode());
        assertEquals(Map.of("request.total_revenue", "is required; a number from 0 to 1000000000"),
            Errors.violations(answer.getError()));
      } else {
        assertTrue(answer.hasResponse(), answer.toString());
      }
    }
    MetricsScrape metrics = MetricsScrape.of(application.metricsPort());
    assertEquals(1, metrics.value("churnwire_scoring_duration_seconds_count", Map.of("mode", "block")),
        metrics.linesStartingWith("churnwire_scoring_duration_seconds_count"));
    assertEquals(ITEMS - 1, metrics.value("churnwire_predictions_total", Map.of("method", "PredictBatch")),
        metrics.linesStartingWith("churnwire_predictions_total"));
  }

  /** Holds the executor's only thread until the returned latch opens, so handed-over work queues behind it. */
  private static CountDownLatch occupyTheScoringThread(ScoringExecutor executor) {
    CountDownLatch release = new CountDownLatch(1);
    assertTrue(executor.tryAdmit());
    executor.execute(() -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return release;
  }

  private void awaitReceived(int items) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (application.stats().batchItemsReceived() < items && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(items, application.stats().batchItemsReceived());
  }

  private static StreamObserver<PredictBatchResponse> collect(List<PredictBatchResponse> answers,
      AtomicReference<Throwable> error, CountDownLatch done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(PredictBatchResponse answer) {
        answers.add(answer);
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
    };
  }
}
