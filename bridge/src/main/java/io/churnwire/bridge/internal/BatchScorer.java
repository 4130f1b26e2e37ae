package io.churnwire.bridge.internal;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores records on the server in {@code BatchPredict} calls, one per poll (at most
 * {@code batchSize} items each), so the server scores them as a block instead of one stream
 * message, one executor hop and one answer frame per record. Every item keeps its own status: the
 * server answers each one with its prediction or its error, in order.
 *
 * <p>An item answered {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code DEADLINE_EXCEEDED}
 * or {@code ABORTED} is sent again after a backoff (or the server's {@code RetryInfo} delay) until
 * the {@link ItemRetryBound} is reached; then it is reported as failed with its last status. Any
 * other per-item error is final and reported to the listener, which dead-letters the record. When
 * a whole call fails:
 *
 * <ul>
 *   <li>{@code UNAVAILABLE} (the server or the connection went away) is an outage: its items are
 *       sent again after a backoff, for as long as it lasts, and nothing is sent meanwhile;
 *   <li>{@code RESOURCE_EXHAUSTED} with {@code RetryInfo} (admission refused) and {@code ABORTED}
 *       are a transient answer to each of its items, retried as above;
 *   <li>{@code INVALID_ARGUMENT}, or {@code RESOURCE_EXHAUSTED} without {@code RetryInfo} (the call
 *       is larger than the server takes), halves the batch size for good; a single item refused
 *       so is rejected;
 *   <li>any other failure ({@code INTERNAL}, {@code UNKNOWN}, the call's deadline, which is the
 *       item timeout) sends the items again in halves, so a record that breaks its call ends up
 *       alone; a record that failed {@value #ISOLATE_AFTER_STRIKES} calls alone is sent as a unary
 *       {@code Predict}, one such call at a time, and if that fails too it is reported failed
 *       ({@code BREAKS_STREAM}). The rest of the traffic keeps flowing meanwhile.
 * </ul>
 *
 * <p>Calls are unary, so a server draining for shutdown (GOAWAY) answers the calls it holds while
 * new ones go to a new connection, without anything to rotate here.
 */
public final class BatchScorer implements Scorer, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
  private static final Set<Code> TRANSIENT =
      Set.of(Code.UNAVAILABLE, Code.RESOURCE_EXHAUSTED, Code.DEADLINE_EXCEEDED, Code.ABORTED);
  /** Failed calls a record must have been alone in before it is sent as a unary {@code Predict}. */
  static final int ISOLATE_AFTER_STRIKES = 2;

  private static final class Item {
    final InFlightRecord record;
    final PredictRequest request;
    String itemId;
    int attempts;
    int resends;
    int strikes;
    /** The largest call it may go in, after calls it was in failed. */
    int callLimit = Integer.MAX_VALUE;
    long firstSentNanos;

    Item(InFlightRecord record, PredictRequest request) {
      this.record = record;
      this.request = request;
    }
  }

  private final ChurnServiceGrpc.ChurnServiceStub stub;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Duration itemTimeout;
  private final ItemRetryBound retryBound;
  private final Listener listener;
  private final BridgeCounters counters;
  private final AtomicLong itemSequence = new AtomicLong();

  private final Object lock = new Object();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final ArrayDeque<Item> isolation = new ArrayDeque<>();
  private final Set<Call> calls = new HashSet<>();
  private int batchLimit;
  private boolean isolating;
  private boolean outage;
  private int callFailures;
  private boolean closed;

  /** Tells the server, for its prediction history, that these calls carry Kafka records. */
  static Metadata viaKafka() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER), "kafka");
    return headers;
  }

  /**
   * @param channel the connection to the server; owned by the caller
   * @param scheduler runs retries; owned by the caller
   * @param itemTimeout the deadline of every call
   * @param batchSize items per {@code BatchPredict} call, at most
   */
  public BatchScorer(Channel channel, ScheduledExecutorService scheduler, Backoff backoff, Duration itemTimeout,
      ItemRetryBound retryBound, int batchSize, Listener listener, BridgeCounters counters) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.stub = ChurnServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(viaKafka()));
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.itemTimeout = itemTimeout;
    this.retryBound = retryBound;
    this.batchLimit = batchSize;
    this.listener = listener;
    this.counters = counters;
  }

  @Override
  public void submit(InFlightRecord record, PredictRequest request) {
    synchronized (lock) {
      queue.addLast(new Item(record, request));
      if (queue.size() >= batchLimit) {
        dispatchLocked();
      }
    }
  }

  @Override
  public void flush() {
    synchronized (lock) {
      dispatchLocked();
    }
  }

  /**
   * Cancels the calls in flight and drops what is queued; their offsets were never committed, so
   * those records are answered again later.
   */
  @Override
  public void close() {
    List<Call> cancelled;
    synchronized (lock) {
      closed = true;
      queue.clear();
      isolation.clear();
      cancelled = List.copyOf(calls);
      calls.clear();
    }
    cancelled.forEach(call -> call.cancel("bridge closing"));
  }

  /** Sends everything queued, in calls of at most the batch limit, unless an outage holds them. */
  private void dispatchLocked() {
    while (!closed && !outage && !queue.isEmpty()) {
      int limit = Math.min(batchLimit, queue.peekFirst().callLimit);
      var batch = new ArrayList<Item>(Math.min(limit, queue.size()));
      var request = BatchPredictRequest.newBuilder();
      long now = System.nanoTime();
      while (batch.size() < limit && !queue.isEmpty()) {
        Item item = queue.pollFirst();
        if (item.record.isAbandoned()) {
          continue;
        }
        item.itemId = item.record.describe() + "/" + itemSequence.incrementAndGet();
        if (item.firstSentNanos == 0) {
          item.firstSentNanos = now;
        }
        batch.add(item);
        request.addItems(PredictBatchRequest.newBuilder().setItemId(item.itemId).setRequest(item.request));
      }
      if (!batch.isEmpty()) {
        var call = new Call(batch);
        calls.add(call);
        stub.withDeadlineAfter(itemTimeout.toMillis(), TimeUnit.MILLISECONDS).batchPredict(request.build(), call);
      }
    }
  }

  /** Puts items back at the head of the queue, in their order, and sends them. */
  private void requeueLocked(List<Item> items) {
    for (int i = items.size() - 1; i >= 0; i--) {
      queue.addFirst(items.get(i));
    }
    dispatchLocked();
  }

  private void requeueAfter(List<Item> items, Duration delay) {
    if (items.isEmpty()) {
      return;
    }
    scheduler.schedule(() -> {
      synchronized (lock) {
        if (!closed) {
          requeueLocked(items);
        }
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onAnswered(Call call, BatchPredictResponse answer) {
    synchronized (lock) {
      if (!calls.remove(call)) {
        return;
      }
      callFailures = 0;
    }
    List<PredictBatchResponse> results = answer == null ? List.of() : answer.getResultsList();
    Map<String, PredictBatchResponse> byId = null;
    var retries = new ArrayList<Item>();
    var statuses = new ArrayList<Status>();
    for (int i = 0; i < call.items.size(); i++) {
      Item item = call.items.get(i);
      if (item.record.isAbandoned()) {
        continue;
      }
      PredictBatchResponse result = i < results.size() ? results.get(i) : null;
      if (result == null || !result.getItemId().equals(item.itemId)) {
        if (byId == null) {
          byId = new HashMap<>();
          for (PredictBatchResponse each : results) {
            byId.put(each.getItemId(), each);
          }
        }
        result = byId.get(item.itemId);
      }
      item.attempts++;
      if (result == null) {
        listener.onFailed(item.record, internal("the server's answer to the batch had no result for this item"),
            BridgeHeaders.REASON_REJECTED, item.attempts);
        continue;
      }
      switch (result.getOutcomeCase()) {
        case RESPONSE -> listener.onScored(item.record, result.getResponse());
        case ERROR -> {
          Status error = result.getError();
          Code code = Code.forNumber(error.getCode());
          if (code != null && TRANSIENT.contains(code)) {
            retries.add(item);
            statuses.add(error);
          } else {
            listener.onFailed(item.record, error, BridgeHeaders.REASON_REJECTED, item.attempts);
          }
        }
        case OUTCOME_NOT_SET -> listener.onFailed(item.record,
            internal("the server's answer carried neither a response nor an error"), BridgeHeaders.REASON_REJECTED,
            item.attempts);
      }
    }
    retryLater(retries, statuses);
  }

  private static Status internal(String message) {
    return Status.newBuilder().setCode(Code.INTERNAL_VALUE).setMessage(message).build();
  }

  /**
   * Sends items answered transiently again after a backoff (or the longest {@code RetryInfo} delay
   * among them); those past the bound are reported failed with their last status instead.
   */
  private void retryLater(List<Item> items, List<Status> statuses) {
    var again = new ArrayList<Item>(items.size());
    Duration delay = Duration.ZERO;
    long now = System.nanoTime();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Status error = statuses.get(i);
      if (retryBound.exhausted(item.attempts, item.firstSentNanos, now)) {
        listener.onFailed(item.record, error, BridgeHeaders.REASON_RETRIES_EXHAUSTED, item.attempts);
        continue;
      }
      again.add(item);
      Duration wanted = backoff.delay(++item.resends);
      Duration asked = ServerStatus.retryDelay(error);
      delay = max(delay, max(wanted, asked));
      if (LOG.isDebugEnabled()) {
        try (Scope scope = item.record.trace().enter()) {
          LOG.debug("Retrying {} in {} ms after {}: {}", item.record.describe(), delay.toMillis(),
              Code.forNumber(error.getCode()), error.getMessage());
        }
      }
    }
    counters.retries.addAndGet(again.size());
    requeueAfter(again, delay);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private void onCallFailed(Call call, Status status) {
    Duration delay;
    synchronized (lock) {
      if (!calls.remove(call)) {
        return;
      }
      delay = backoff.delay(++callFailures);
    }
    var items = new ArrayList<Item>(call.items.size());
    for (Item item : call.items) {
      if (!item.record.isAbandoned()) {
        items.add(item);
      }
    }
    if (items.isEmpty()) {
      return;
    }
    Code code = Code.forNumber(status.getCode());
    boolean admission = code == Code.RESOURCE_EXHAUSTED && ServerStatus.asksForRetry(status);
    if (code == Code.UNAVAILABLE) {
      outageFor(items, status, delay);
    } else if (admission || code == Code.ABORTED) {
      items.forEach(item -> item.attempts++);
      retryLater(items, items.stream().map(item -> status).toList());
    } else if (code == Code.INVALID_ARGUMENT || code == Code.RESOURCE_EXHAUSTED) {
      tooLarge(items, status);
    } else {
      brokeTheCall(items, status, delay);
    }
  }

  /** The server is away: nothing is sent until the backoff has passed, then its items go first. */
  private void outageFor(List<Item> items, Status status, Duration delay) {
    counters.retries.addAndGet(items.size());
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (int i = items.size() - 1; i >= 0; i--) {
        queue.addFirst(items.get(i));
      }
      if (outage) {
        return;
      }
      outage = true;
    }
    LOG.warn("BatchPredict call failed ({}: {}); {} items requeued, calling the server again in {} ms",
        Code.forNumber(status.getCode()), status.getMessage(), items.size(), delay.toMillis());
    scheduler.schedule(() -> {
      synchronized (lock) {
        outage = false;
        dispatchLocked();
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A call the server refused as a whole: smaller calls from now on; one item alone is rejected. */
  private void tooLarge(List<Item> items, Status status) {
    if (items.size() == 1) {
      Item item = items.getFirst();
      item.attempts++;
      listener.onFailed(item.record, status, BridgeHeaders.REASON_REJECTED, item.attempts);
      return;
    }
    int limit = Math.max(1, items.size() / 2);
    LOG.warn("Server refused a BatchPredict call of {} items as a whole ({}: {}); sending at most {} at a time",
        items.size(), Code.forNumber(status.getCode()), status.getMessage(), limit);
    synchronized (lock) {
      batchLimit = Math.min(batchLimit, limit);
      if (!closed) {
        requeueLocked(items);
      }
    }
  }

  /**
   * A call failed for another reason than an outage: its items are sent again in halves; an item
   * that failed {@value #ISOLATE_AFTER_STRIKES} calls alone is sent as a unary call instead.
   */
  private void brokeTheCall(List<Item> items, Status status, Duration delay) {
    counters.retries.addAndGet(items.size());
    if (items.size() > 1) {
      int half = (items.size() + 1) / 2;
      items.forEach(item -> item.callLimit = half);
      LOG.warn("BatchPredict call of {} items failed ({}: {}); sending them again in halves in {} ms",
          items.size(), Code.forNumber(status.getCode()), status.getMessage(), delay.toMillis());
      requeueAfter(items, delay);
      return;
    }
    Item item = items.getFirst();
    if (++item.strikes < ISOLATE_AFTER_STRIKES) {
      requeueAfter(items, delay);
      return;
    }
    try (Scope scope = item.record.trace().enter()) {
      LOG.warn("{} failed {} calls alone ({}: {}); sending it as a single Predict", item.record.describe(),
          item.strikes, Code.forNumber(status.getCode()), status.getMessage());
    }
    synchronized (lock) {
      isolation.addLast(item);
      isolateLocked();
    }
  }

  /** Sends the next isolated item alone, as a unary call, unless one such call is already running. */
  private void isolateLocked() {
    if (isolating || closed) {
      return;
    }
    Item item = isolation.pollFirst();
    while (item != null && item.record.isAbandoned()) {
      item = isolation.pollFirst();
    }
    if (item == null) {
      return;
    }
    isolating = true;
    Item alone = item;
    stub.withDeadlineAfter(itemTimeout.toMillis(), TimeUnit.MILLISECONDS).predict(item.request,
        new StreamObserver<>() {
          private PredictResponse response;

          @Override
          public void onNext(PredictResponse value) {
            response = value;
          }

          @Override
          public void onError(Throwable error) {
            onIsolatedOutcome(alone, null, error);
          }

          @Override
          public void onCompleted() {
            onIsolatedOutcome(alone, response, null);
          }
        });
  }

  private void onIsolatedOutcome(Item item, PredictResponse response, Throwable error) {
    synchronized (lock) {
      isolating = false;
      if (closed) {
        return;
      }
    }
    if (!item.record.isAbandoned()) {
      if (response != null) {
        listener.onScored(item.record, response);
      } else {
        Status status = ServerStatus.of(error);
        Code code = Code.forNumber(status.getCode());
        if (code == Code.UNAVAILABLE) {
          resendAlone(item, status);
        } else {
          item.attempts++;
          if (code == Code.DEADLINE_EXCEEDED || code == Code.ABORTED
              || (code == Code.RESOURCE_EXHAUSTED && ServerStatus.asksForRetry(status))) {
            if (retryBound.exhausted(item.attempts, item.firstSentNanos, System.nanoTime())) {
              listener.onFailed(item.record, status, BridgeHeaders.REASON_RETRIES_EXHAUSTED, item.attempts);
            } else {
              resendAlone(item, status);
            }
          } else {
            listener.onFailed(item.record, status, BridgeHeaders.REASON_BREAKS_STREAM, item.attempts);
          }
        }
      }
    }
    synchronized (lock) {
      isolateLocked();
    }
  }

  /** Sends an isolated item alone again after a backoff (or the server's {@code RetryInfo} delay). */
  private void resendAlone(Item item, Status error) {
    counters.retries.incrementAndGet();
    Duration delay = max(backoff.delay(++item.resends), ServerStatus.retryDelay(error));
    scheduler.schedule(() -> {
      synchronized (lock) {
        if (!item.record.isAbandoned()) {
          isolation.addLast(item);
          isolateLocked();
        }
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One {@code BatchPredict} call in flight and the items it carries, in request order. */
  private final class Call implements ClientResponseObserver<BatchPredictRequest, BatchPredictResponse> {
    final List<Item> items;
    private volatile ClientCallStreamObserver<BatchPredictRequest> requestStream;
    private BatchPredictResponse answer;

    Call(List<Item> items) {
      this.items = items;
    }

    void cancel(String why) {
      var stream = requestStream;
      if (stream != null) {
        stream.cancel(why, null);
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<BatchPredictRequest> stream) {
      this.requestStream = stream;
    }

    @Override
    public void onNext(BatchPredictResponse value) {
      answer = value;
    }

    @Override
    public void onError(Throwable error) {
      onCallFailed(this, ServerStatus.of(error));
    }

    @Override
    public void onCompleted() {
      onAnswered(this, answer);
    }
  }
}
