package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error paths of the batch client against a test double of the service; the real server is
 * exercised end to end in {@code KafkaBridgeEndToEndTest}.
 */
class BatchScorerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** What the double answers: given the call number (1-based) and the item, an answer or null for silence. */
  private volatile BiFunction<Integer, PredictBatchRequest, PredictBatchResponse> behaviour;
  /** Call number that the double fails whole UNAVAILABLE; 0 for never. */
  private volatile int failCall;
  /** Calls, counted from the first, that the double fails UNAVAILABLE, like a server going away. */
  private volatile int unavailableCalls;
  /** Calls, counted from the first, that the double refuses as the server's admission does, with RetryInfo. */
  private volatile int refusedCalls;
  /** Largest call the double takes; larger ones are refused INVALID_ARGUMENT, as the server does. */
  private volatile int maxItems = Integer.MAX_VALUE;
  /** Customer whose item makes the double fail its whole call INTERNAL, and its unary call too. */
  private volatile String callBreaker = "";
  private final Map<String, AtomicInteger> unaryCallsByCustomer = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attemptsByCustomer = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
  private final BridgeCounters counters = new BridgeCounters();

  private Server server;
  private ManagedChannel channel;
  private ExecutorService clientExecutor;
  private ScheduledExecutorService scheduler;
  private BatchScorer scorer;

  private final class Double extends ChurnServiceGrpc.ChurnServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      unaryCallsByCustomer.computeIfAbsent(request.getCustomerId(), k -> new AtomicInteger()).incrementAndGet();
      if (request.getCustomerId().equals(callBreaker)) {
        out.onError(io.grpc.Status.INTERNAL.withDescription("double cannot handle this one").asRuntimeException());
        return;
      }
      out.onNext(PredictResponse.newBuilder().setCustomerId(request.getCustomerId()).build());
      out.onCompleted();
    }

    @Override
    public void batchPredict(BatchPredictRequest request, StreamObserver<BatchPredictResponse> out) {
      int number = calls.incrementAndGet();
      callSizes.add(request.getItemsCount());
      if (request.getItemsCount() > maxItems) {
        out.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription("items: too many").asRuntimeException());
        return;
      }
      boolean breaks = false;
      for (PredictBatchRequest item : request.getItemsList()) {
        attemptsByCustomer.computeIfAbsent(item.getRequest().getCustomerId(), k -> new AtomicInteger())
            .incrementAndGet();
        breaks |= item.getRequest().getCustomerId().equals(callBreaker);
      }
      if (number <= refusedCalls) {
        out.onError(StatusProto.toStatusRuntimeException(Status.newBuilder()
            .setCode(Code.RESOURCE_EXHAUSTED_VALUE).setMessage("server at capacity")
            .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(
                com.google.protobuf.Duration.newBuilder().setNanos(20_000_000)).build()))
            .build()));
        return;
      }
      if (failCall == number || number <= unavailableCalls) {
        out.onError(io.grpc.Status.UNAVAILABLE.withDescription("double restarting").asRuntimeException());
        return;
      }
      if (breaks) {
        out.onError(io.grpc.Status.INTERNAL.withDescription("double broke on it").asRuntimeException());
        return;
      }
      var answer = BatchPredictResponse.newBuilder();
      for (PredictBatchRequest item : request.getItemsList()) {
        PredictBatchResponse result = behaviour.apply(number, item);
        if (result == null) {
          return;
        }
        answer.addResults(result);
      }
      out.onNext(answer.build());
      out.onCompleted();
    }
  }

  private String serverName;

  private final List<String> interfaceHeaders = new CopyOnWriteArrayList<>();

  private void startServer() throws IOException {
    Metadata.Key<String> interfaceHeader = Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor recordHeader = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        interfaceHeaders.add(String.valueOf(headers.get(interfaceHeader)));
        return next.startCall(call, headers);
      }
    };
    server = InProcessServerBuilder.forName(serverName).directExecutor()
        .addService(ServerInterceptors.intercept(new Double(), recordHeader)).build().start();
  }

  private void start(Duration itemTimeout) throws IOException {
    start(itemTimeout, new ItemRetryBound(1_000, Duration.ofMinutes(10)));
  }

  private void start(Duration itemTimeout, ItemRetryBound bound) throws IOException {
    serverName = InProcessServerBuilder.generateName();
    startServer();
    clientExecutor = Executors.newSingleThreadExecutor();
    channel = InProcessChannelBuilder.forName(serverName).executor(clientExecutor).build();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    scorer = new BatchScorer(channel, scheduler,
        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)), itemTimeout, bound, 100, new Scorer.Listener() {
          @Override
          public void onScored(InFlightRecord record, PredictResponse response) {
            outcomes.add(response);
          }

          @Override
          public void onFailed(InFlightRecord record, Status status, String reason, int attempts) {
            outcomes.add(new Failure(status, reason, attempts));
          }
        }, counters);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    scorer.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    scheduler.shutdownNow();
    clientExecutor.shutdownNow();
  }

  private static InFlightRecord record(long offset) {
    return new InFlightRecord(new ConsumerRecord<>("requests", 0, offset, new byte[0], new byte[0]));
  }

  private static PredictRequest customer(String id) {
    return PredictRequest.newBuilder().setCustomerId(id).build();
  }

  private static PredictBatchResponse scored(PredictBatchRequest item) {
    return PredictBatchResponse.newBuilder().setItemId(item.getItemId())
        .setResponse(PredictResponse.newBuilder().setCustomerId(item.getRequest().getCustomerId())).build();
  }

  private static PredictBatchResponse failed(PredictBatchRequest item, Status status) {
    return PredictBatchResponse.newBuilder().setItemId(item.getItemId()).setError(status).build();
  }

  /** What the listener heard for a record that will not be scored. */
  private record Failure(Status status, String reason, int attempts) {}

  private Object nextOutcome() throws InterruptedException {
    Object outcome = outcomes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(outcome, "no outcome within " + WAIT);
    return outcome;
  }

  /** Submits the records of offsets {@code first}..{@code last} for customers c-first..c-last, then flushes. */
  private void submitAll(int first, int last) {
    for (int i = first; i <= last; i++) {
      scorer.submit(record(i), customer("c-" + i));
    }
    scorer.flush();
  }

  @Test
  void everyCall_tellsTheServerItCarriesKafkaRecords_forThePredictionHistory() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> scored(item);

    submitAll(1, 1);

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(List.of("kafka"), interfaceHeaders);
  }

  @Test
  void recordsSubmittedTogether_areScoredInOneCall_eachWithItsOwnAnswer() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> item.getRequest().getCustomerId().equals("c-2")
        ? failed(item, Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("bad").build())
        : scored(item);

    submitAll(1, 3);

    var customers = new HashSet<String>();
    Failure failure = null;
    for (int i = 0; i < 3; i++) {
      Object outcome = nextOutcome();
      if (outcome instanceof Failure f) {
        failure = f;
      } else {
        customers.add(((PredictResponse) outcome).getCustomerId());
      }
    }
    assertEquals(Set.of("c-1", "c-3"), customers);
    assertNotNull(failure);
    assertEquals(BridgeHeaders.REASON_REJECTED, failure.reason());
    assertEquals(List.of(3), callSizes);
  }

  @Test
  void morePendingThanTheBatchSize_areSentInCallsOfAtMostTheBatchSize() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> scored(item);

    submitAll(1, 250);

    for (int i = 0; i < 250; i++) {
      assertTrue(nextOutcome() instanceof PredictResponse);
    }
    assertEquals(List.of(100, 100, 50), callSizes);
  }

  @Test
  void callRefusedAsTooLarge_isSplit_andLaterCallsStaySmaller() throws Exception {
    start(Duration.ofSeconds(30));
    maxItems = 30;
    behaviour = (number, item) -> scored(item);

    submitAll(1, 100);
    for (int i = 0; i < 100; i++) {
      assertTrue(nextOutcome() instanceof PredictResponse);
    }
    callSizes.clear();
    submitAll(101, 150);
    for (int i = 0; i < 50; i++) {
      assertTrue(nextOutcome() instanceof PredictResponse);
    }

    assertTrue(callSizes.stream().allMatch(size -> size <= 30), "calls after the refusal: " + callSizes);
    assertEquals(0, counters.retries.get(), "a refused call is no attempt of its items");
  }

  @Test
  void itemAnsweredUnavailable_isRetried_thenScored() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> attemptsByCustomer.get(item.getRequest().getCustomerId()).get() == 1
        ? failed(item, Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage("busy").build())
        : scored(item);

    submitAll(1, 1);

    var outcome = nextOutcome();
    assertEquals("c-1", ((PredictResponse) outcome).getCustomerId());
    assertEquals(2, attemptsByCustomer.get("c-1").get());
    assertEquals(1, counters.retries.get());
  }

  @Test
  void itemAnsweredInvalidArgument_isRejectedOnce_withItsFieldViolations() throws Exception {
    start(Duration.ofSeconds(30));
    var invalid = Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("bad request")
        .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
            .setField("contract").setDescription("must be set")).build()))
        .build();
    behaviour = (number, item) -> failed(item, invalid);

    submitAll(1, 1);

    var outcome = (Failure) nextOutcome();
    assertEquals(Code.INVALID_ARGUMENT_VALUE, outcome.status().getCode());
    assertEquals("contract: must be set", AnswerRecords.violations(outcome.status()));
    assertEquals(BridgeHeaders.REASON_REJECTED, outcome.reason());
    assertEquals(1, outcome.attempts());
    assertEquals(1, attemptsByCustomer.get("c-1").get());
    assertEquals(0, counters.retries.get());
  }

  @Test
  void callRefusedByAdmission_isATransientAnswerToEachItem_retriedAfterTheServersDelay() throws Exception {
    start(Duration.ofSeconds(30));
    refusedCalls = 1;
    behaviour = (number, item) -> scored(item);

    submitAll(1, 3);

    for (int i = 0; i < 3; i++) {
      assertTrue(nextOutcome() instanceof PredictResponse);
    }
    assertEquals(List.of(3, 3), callSizes);
    assertEquals(3, counters.retries.get());
    assertTrue(unaryCallsByCustomer.isEmpty(), "admission never sends items alone");
  }

  @Test
  void callFailure_resendsItsItemsInANewCall() throws Exception {
    start(Duration.ofSeconds(30));
    failCall = 1;
    behaviour = (number, item) -> scored(item);

    submitAll(1, 2);

    var customers = new HashSet<String>();
    customers.add(((PredictResponse) nextOutcome()).getCustomerId());
    customers.add(((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(Set.of("c-1", "c-2"), customers);
    assertTrue(calls.get() >= 2, "a new call must have been made");
  }

  @Test
  void callNeverAnswered_isSentAgainAfterTheItemTimeout_andScored() throws Exception {
    start(Duration.ofMillis(200));
    behaviour = (number, item) -> number == 1 ? null : scored(item);

    submitAll(1, 1);

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertTrue(calls.get() >= 2);
  }

  @Test
  void itemAnsweredUnavailableEveryTime_isReportedRetriesExhausted_afterMaxAttempts_withTheLastStatus()
      throws Exception {
    start(Duration.ofSeconds(30), new ItemRetryBound(3, Duration.ofMinutes(10)));
    behaviour = (number, item) -> failed(item, Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE)
        .setMessage("busy " + attemptsByCustomer.get(item.getRequest().getCustomerId()).get()).build());

    submitAll(1, 1);

    var outcome = (Failure) nextOutcome();
    assertEquals(BridgeHeaders.REASON_RETRIES_EXHAUSTED, outcome.reason());
    assertEquals(3, outcome.attempts());
    assertEquals(Code.UNAVAILABLE_VALUE, outcome.status().getCode());
    assertEquals("busy 3", outcome.status().getMessage());
    assertEquals(3, attemptsByCustomer.get("c-1").get());
    assertNull(outcomes.poll(200, TimeUnit.MILLISECONDS), "reported exactly once");
  }

  @Test
  void itemAnsweredResourceExhaustedPastMaxAge_isReportedRetriesExhausted() throws Exception {
    start(Duration.ofSeconds(30), new ItemRetryBound(1_000_000, Duration.ofMillis(300)));
    behaviour = (number, item) -> failed(item,
        Status.newBuilder().setCode(Code.RESOURCE_EXHAUSTED_VALUE).setMessage("full").build());

    submitAll(1, 1);

    var outcome = (Failure) nextOutcome();
    assertEquals(BridgeHeaders.REASON_RETRIES_EXHAUSTED, outcome.reason());
    assertEquals(Code.RESOURCE_EXHAUSTED_VALUE, outcome.status().getCode());
    assertTrue(outcome.attempts() >= 2 && outcome.attempts() < 1_000_000, "attempts " + outcome.attempts());
  }

  @Test
  void recordThatBreaksItsCall_endsUpAlone_thenReportedBreaksStream_whileTheOthersAreScored() throws Exception {
    start(Duration.ofSeconds(30));
    callBreaker = "breaker";
    behaviour = (number, item) -> scored(item);

    scorer.submit(record(1), customer("c-1"));
    scorer.submit(record(2), customer("breaker"));
    for (int i = 3; i <= 6; i++) {
      scorer.submit(record(i), customer("c-" + (i - 1)));
    }
    scorer.flush();

    var scoredCustomers = new HashSet<String>();
    Failure failure = null;
    for (int i = 0; i < 6; i++) {
      Object outcome = nextOutcome();
      if (outcome instanceof Failure f) {
        assertNull(failure, "only the breaker fails");
        failure = f;
      } else {
        scoredCustomers.add(((PredictResponse) outcome).getCustomerId());
      }
    }
    assertEquals(Set.of("c-1", "c-2", "c-3", "c-4", "c-5"), scoredCustomers);
    assertNotNull(failure);
    assertEquals(BridgeHeaders.REASON_BREAKS_STREAM, failure.reason());
    assertEquals(Code.INTERNAL_VALUE, failure.status().getCode());
    assertEquals(1, unaryCallsByCustomer.get("breaker").get(), "the breaker is tried alone once");
    assertEquals(1, unaryCallsByCustomer.size(), "only the breaker is sent as a unary call");

    scorer.submit(record(7), customer("after"));
    scorer.flush();
    assertEquals("after", ((PredictResponse) nextOutcome()).getCustomerId());
    assertNull(unaryCallsByCustomer.get("after"), "traffic after the breaker flows in batches again");
  }

  @Test
  void callsFailingUnavailable_areAnOutage_soTheirItemsStayInBatches() throws Exception {
    start(Duration.ofSeconds(30));
    unavailableCalls = BatchScorer.ISOLATE_AFTER_STRIKES + 1;
    behaviour = (number, item) -> scored(item);

    submitAll(1, 1);

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(BatchScorer.ISOLATE_AFTER_STRIKES + 2, attemptsByCustomer.get("c-1").get());
    assertTrue(unaryCallsByCustomer.isEmpty(), "an outage never sends items alone: " + unaryCallsByCustomer);
  }

  @Test
  void abandonedRecord_isNeitherSentNorReported() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> scored(item);
    var abandoned = record(1);
    abandoned.abandon();

    scorer.submit(abandoned, customer("gone"));
    scorer.submit(record(2), customer("c-2"));
    scorer.flush();

    assertEquals("c-2", ((PredictResponse) nextOutcome()).getCustomerId());
    assertNull(attemptsByCustomer.get("gone"));
  }
}
