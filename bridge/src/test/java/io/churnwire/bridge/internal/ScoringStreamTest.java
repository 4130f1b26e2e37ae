package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
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
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error paths of the stream client against a test double of the service; the real server is
 * exercised end to end in {@code KafkaBridgeEndToEndTest}.
 */
class ScoringStreamTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** What the double answers: given the stream number (1-based) and the item, an answer or null for silence. */
  private volatile BiFunction<Integer, PredictBatchRequest, PredictBatchResponse> behaviour;
  /** Stream number on whose first item the double fails the whole call; 0 for never. */
  private volatile int failStream;
  /** Streams, counted from the first, that the double ends UNAVAILABLE on their first item, like a server going away. */
  private volatile int unavailableStreams;
  /** Customer whose item makes the double fail the whole stream INTERNAL, and its unary call too. */
  private volatile String streamBreaker = "";
  private final Map<String, AtomicInteger> unaryCallsByCustomer = new ConcurrentHashMap<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final Map<String, AtomicInteger> attemptsByCustomer = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
  private final BridgeCounters counters = new BridgeCounters();

  private Server server;
  private ManagedChannel channel;
  private ExecutorService clientExecutor;
  private ScheduledExecutorService scheduler;
  private ScoringStream stream;

  private final class Double extends ChurnServiceGrpc.ChurnServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      unaryCallsByCustomer.computeIfAbsent(request.getCustomerId(), k -> new AtomicInteger()).incrementAndGet();
      if (request.getCustomerId().equals(streamBreaker)) {
        out.onError(io.grpc.Status.INTERNAL.withDescription("double cannot handle this one").asRuntimeException());
        return;
      }
      out.onNext(PredictResponse.newBuilder().setCustomerId(request.getCustomerId()).build());
      out.onCompleted();
    }

    @Override
    public StreamObserver<PredictBatchRequest> predictBatch(StreamObserver<PredictBatchResponse> out) {
      int number = streams.incrementAndGet();
      return new StreamObserver<>() {
        private boolean failed;

        @Override
        public void onNext(PredictBatchRequest item) {
          if (failed) {
            return;
          }
          attemptsByCustomer.computeIfAbsent(item.getRequest().getCustomerId(), k -> new AtomicInteger())
              .incrementAndGet();
          if (failStream == number || number <= unavailableStreams) {
            failed = true;
            out.onError(io.grpc.Status.UNAVAILABLE.withDescription("double restarting").asRuntimeException());
            return;
          }
          if (item.getRequest().getCustomerId().equals(streamBreaker)) {
            failed = true;
            out.onError(io.grpc.Status.INTERNAL.withDescription("double broke on it").asRuntimeException());
            return;
          }
          PredictBatchResponse answer = behaviour.apply(number, item);
          if (answer != null) {
            out.onNext(answer);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          if (!failed) {
            out.onCompleted();
          }
        }
      };
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
    stream = new ScoringStream(channel, scheduler,
        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)), itemTimeout, bound, new ScoringStream.Listener() {
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
    stream.close();
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

  @Test
  void everyCall_tellsTheServerItCarriesKafkaRecords_forThePredictionHistory() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> scored(item);

    stream.submit(record(1), customer("c-1"));

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(List.of("kafka"), interfaceHeaders);
  }

  @Test
  void itemAnsweredUnavailable_isRetried_thenScored() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> attemptsByCustomer.get(item.getRequest().getCustomerId()).get() == 1
        ? failed(item, Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage("busy").build())
        : scored(item);

    stream.submit(record(1), customer("c-1"));

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

    stream.submit(record(1), customer("c-1"));

    var outcome = (Failure) nextOutcome();
    assertEquals(Code.INVALID_ARGUMENT_VALUE, outcome.status().getCode());
    assertEquals("contract: must be set", AnswerRecords.violations(outcome.status()));
    assertEquals(BridgeHeaders.REASON_REJECTED, outcome.reason());
    assertEquals(1, outcome.attempts());
    assertEquals(1, attemptsByCustomer.get("c-1").get());
    assertEquals(0, counters.retries.get());
  }

  @Test
  void streamFailure_resendsUnansweredItemsOnANewStream() throws Exception {
    start(Duration.ofSeconds(30));
    failStream = 1;
    behaviour = (number, item) -> scored(item);

    stream.submit(record(1), customer("c-1"));
    stream.submit(record(2), customer("c-2"));

    var customers = new HashSet<String>();
    customers.add(((PredictResponse) nextOutcome()).getCustomerId());
    customers.add(((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(Set.of("c-1", "c-2"), customers);
    assertTrue(streams.get() >= 2, "a new stream must have been opened");
  }

  @Test
  void itemNeverAnswered_restartsStreamAfterItemTimeout_andIsScored() throws Exception {
    start(Duration.ofMillis(200));
    behaviour = (number, item) -> number == 1 ? null : scored(item);

    stream.submit(record(1), customer("c-1"));

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertTrue(streams.get() >= 2);
  }

  @Test
  void serverShutdown_rotatesTheStream_andItsUnansweredItemIsAnsweredByTheNextServer() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> number == 1 ? null : scored(item);
    stream.submit(record(1), customer("held"));
    awaitTrue(() -> attemptsByCustomer.containsKey("held"));

    server.shutdown();
    assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "the rotated stream must let the server drain");
    startServer();

    assertEquals("held", ((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(2, attemptsByCustomer.get("held").get());
  }

  @Test
  void itemAnsweredUnavailableEveryTime_isReportedRetriesExhausted_afterMaxAttempts_withTheLastStatus()
      throws Exception {
    start(Duration.ofSeconds(30), new ItemRetryBound(3, Duration.ofMinutes(10)));
    behaviour = (number, item) -> failed(item, Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE)
        .setMessage("busy " + attemptsByCustomer.get(item.getRequest().getCustomerId()).get()).build());

    stream.submit(record(1), customer("c-1"));

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

    stream.submit(record(1), customer("c-1"));

    var outcome = (Failure) nextOutcome();
    assertEquals(BridgeHeaders.REASON_RETRIES_EXHAUSTED, outcome.reason());
    assertEquals(Code.RESOURCE_EXHAUSTED_VALUE, outcome.status().getCode());
    assertTrue(outcome.attempts() >= 2 && outcome.attempts() < 1_000_000, "attempts " + outcome.attempts());
  }

  @Test
  void recordThatBreaksTheStream_isSentAlone_thenReportedBreaksStream_whileTheOthersAreScored() throws Exception {
    start(Duration.ofSeconds(30));
    streamBreaker = "breaker";
    behaviour = (number, item) -> scored(item);

    stream.submit(record(1), customer("c-1"));
    stream.submit(record(2), customer("breaker"));
    for (int i = 3; i <= 6; i++) {
      stream.submit(record(i), customer("c-" + (i - 1)));
    }

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
    assertEquals(ScoringStream.ISOLATE_AFTER_STRIKES, attemptsByCustomer.get("breaker").get());

    stream.submit(record(7), customer("after"));
    assertEquals("after", ((PredictResponse) nextOutcome()).getCustomerId());
    assertNull(unaryCallsByCustomer.get("after"), "traffic after the breaker flows on the stream again");
  }

  @Test
  void streamsEndingUnavailable_areAnOutage_soTheirItemsStayOnTheStream() throws Exception {
    start(Duration.ofSeconds(30));
    unavailableStreams = ScoringStream.ISOLATE_AFTER_STRIKES + 1;
    behaviour = (number, item) -> scored(item);

    stream.submit(record(1), customer("c-1"));

    assertEquals("c-1", ((PredictResponse) nextOutcome()).getCustomerId());
    assertEquals(ScoringStream.ISOLATE_AFTER_STRIKES + 2, attemptsByCustomer.get("c-1").get());
    assertTrue(unaryCallsByCustomer.isEmpty(), "an outage never sends items alone: " + unaryCallsByCustomer);
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT);
      Thread.sleep(10);
    }
  }

  @Test
  void abandonedRecord_isNeitherSentNorReported() throws Exception {
    start(Duration.ofSeconds(30));
    behaviour = (number, item) -> scored(item);
    var abandoned = record(1);
    abandoned.abandon();

    stream.submit(abandoned, customer("gone"));
    stream.submit(record(2), customer("c-2"));

    assertEquals("c-2", ((PredictResponse) nextOutcome()).getCustomerId());
    assertNull(attemptsByCustomer.get("gone"));
  }
}
