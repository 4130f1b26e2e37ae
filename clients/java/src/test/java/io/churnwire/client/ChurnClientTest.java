package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ServerApplication;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the real server on Netty: unary calls, typed errors, the batch stream. */
class ChurnClientTest {
  private static final int WINDOW = 16;

  private static ServerApplication server;
  private static ChurnClient client;

  @BeforeAll
  static void start() throws Exception {
    server = LiveServer.start(LiveServer.config());
    client = ChurnClient.builder(LiveServer.target(server))
        .deadline(Duration.ofSeconds(20))
        .batchWindow(WINDOW)
        .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void predict_validCustomer_returnsThePredictionOfTheServedModel() {
    String version = client.modelMetadata().getVersion();

    PredictResponse response = client.predict(Customers.risky());

    assertEquals("0001-RISKY", response.getCustomerId());
    assertFalse(response.getRequestId().isEmpty(), "the server assigns a request id");
    assertEquals(version, response.getPrediction().getModelVersion());
    double probability = response.getPrediction().getChurnProbability();
    assertTrue(probability >= 0 && probability <= 1, () -> "probability " + probability);
  }

  @Test
  void predictAsync_validCustomer_completesWithTheSameAnswerAsBlocking() throws Exception {
    PredictResponse blocking = client.predict(Customers.loyal());

    PredictResponse async = client.predictAsync(Customers.loyal()).get(20, TimeUnit.SECONDS);

    assertEquals(blocking.getPrediction(), async.getPrediction());
  }

  @Test
  void predict_missingContractAndBadScore_throwsInvalidRequestListingEveryField() {
    InvalidRequestException error =
        assertThrows(InvalidRequestException.class, () -> client.predict(Customers.invalid()));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.code());
    assertEquals(Map.of("contract", error.byField().get("contract"),
        "satisfaction_score", error.byField().get("satisfaction_score")), error.byField());
    assertEquals(List.of("contract", "satisfaction_score"),
        error.violations().stream().map(FieldViolation::field).sorted().toList());
    assertTrue(error.violations().stream().noneMatch(violation -> violation.description().isBlank()));
    assertFalse(error.isRetryable());
  }

  @Test
  void predictAsync_invalidCustomer_failsWithTypedViolations() {
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> client.predictAsync(Customers.invalid()).get(20, TimeUnit.SECONDS));

    InvalidRequestException error = assertInstanceOf(InvalidRequestException.class, failure.getCause());
    assertTrue(error.byField().containsKey("contract"), error.byField()::toString);
  }

  @Test
  void predict_deadlineAlreadyTooShort_isDeadlineExceeded() {
    ChurnClientException error = assertThrows(ChurnClientException.class,
        () -> client.predict(Customers.risky(), Duration.ofNanos(1)));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.code());
  }

  @Test
  void modelMetadata_describesTheNineFeaturesTheServerValidates() {
    ModelMetadata metadata = client.modelMetadata();

    assertFalse(metadata.getVersion().isEmpty());
    assertEquals(9, metadata.getFeaturesCount());
  }

  @Test
  void batchPredict_mixedItems_answersEachInRequestOrderWithTypedErrors() {
    List<BatchResult> results = client.batchPredict(List.of(
        Customers.item("a", Customers.risky()),
        Customers.item("b", Customers.invalid()),
        Customers.item("c", Customers.loyal())));

    assertEquals(List.of("a", "b", "c"), results.stream().map(BatchResult::itemId).toList());
    assertInstanceOf(BatchResult.Scored.class, results.get(0));
    BatchResult.Failed failed = assertInstanceOf(BatchResult.Failed.class, results.get(1));
    InvalidRequestException error = assertInstanceOf(InvalidRequestException.class, failed.error());
    assertTrue(error.byField().containsKey("request.contract"), error.byField()::toString);
    assertInstanceOf(BatchResult.Scored.class, results.get(2));
  }

  @Test
  void predictBatch_manyItemsWithBadOnes_answersEveryItemOnceAndNeverRunsAheadOfTheWindow() {
    int count = 3_000;
    AtomicInteger pulled = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger mostUnanswered = new AtomicInteger();
    Iterator<PredictBatchRequest> items = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return pulled.get() < count;
      }

      @Override
      public PredictBatchRequest next() {
        int index = pulled.getAndIncrement();
        mostUnanswered.accumulateAndGet(index + 1 - answered.get(), Math::max);
        PredictRequest request = index % 7 == 3 ? Customers.invalid() : Customers.risky();
        return Customers.item("item-" + index, request);
      }
    };
    Map<String, BatchResult> results = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());

    BatchSummary summary = client.predictBatch(items, result -> {
      answered.incrementAndGet();
      if (results.put(result.itemId(), result) != null) {
        duplicates.add(result.itemId());
      }
    });

    long bad = IntStream.range(0, count).filter(i -> i % 7 == 3).count();
    assertEquals(new BatchSummary(count, count - bad, bad), summary);
    assertEquals(count, results.size());
    assertEquals(List.of(), duplicates);
    assertTrue(mostUnanswered.get() <= WINDOW, () -> "items unanswered at once: " + mostUnanswered.get());
    BatchResult.Failed failed = assertInstanceOf(BatchResult.Failed.class, results.get("item-3"));
    assertTrue(assertInstanceOf(InvalidRequestException.class, failed.error())
        .byField().containsKey("request.satisfaction_score"));
    assertInstanceOf(BatchResult.Scored.class, results.get("item-4"));
  }

  @Test
  void predictBatch_noItems_completesEmpty() {
    BatchSummary summary = client.predictBatch(Collections.emptyIterator(), result -> {
      throw new AssertionError("no answer expected, got " + result);
    });

    assertEquals(new BatchSummary(0, 0, 0), summary);
  }

  @Test
  void predictBatch_whenTheConsumerThrows_failsWithThatErrorAndStopsSending() {
    AtomicInteger pulled = new AtomicInteger();
    Iterator<PredictBatchRequest> endless = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public PredictBatchRequest next() {
        return Customers.item("endless-" + pulled.getAndIncrement(), Customers.risky());
      }
    };
    IllegalStateException consumerFailure = new IllegalStateException("consumer gives up");

    IllegalStateException error = assertThrows(IllegalStateException.class,
        () -> client.predictBatch(endless, result -> {
          throw consumerFailure;
        }));

    assertSame(consumerFailure, error);
    assertTrue(pulled.get() <= WINDOW, () -> "items pulled after the consumer failed: " + pulled.get());
  }
}
