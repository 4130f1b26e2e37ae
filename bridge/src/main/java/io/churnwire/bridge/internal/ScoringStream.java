package io.churnwire.bridge.internal;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived {@code PredictBatch} stream to the scoring server, shared by all partitions.
 *
 * <p>It writes only while the call {@code isReady()} and resumes from the on-ready handler, so a
 * slow server pushes back through HTTP/2 flow control instead of filling the client's memory; the
 * queue in front of it is bounded by the bridge's in-flight limit. An item answered
 * {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code DEADLINE_EXCEEDED} or {@code ABORTED} is
 * resent after a backoff (or the server's {@code RetryInfo} delay) until the {@link ItemRetryBound}
 * is reached; then it is reported as failed with its last status. When the whole stream fails every
 * unanswered item is resent on a new stream; a failure with {@code UNAVAILABLE} (the server or the
 * connection went away) is an outage and is retried for as long as it lasts. An item that stays
 * unanswered longer than the item timeout cancels the stream, which turns a hung server into the
 * same retry. Any other per-item error is final and reported to the listener, which dead-letters
 * the record.
 *
 * <p>A record that breaks the stream itself would otherwise take every stream down with it, for
 * ever: each item still unanswered when the stream failed for another reason than an outage gets a
 * strike, and an item with {@value #ISOLATE_AFTER_STRIKES} strikes is taken off the stream and sent
 * alone, as a unary {@code Predict}, one such call at a time. If it fails there too it is reported
 * failed ({@code BREAKS_STREAM}); the rest of the traffic keeps flowing on the stream meanwhile.
 *
 * <p>When the connection stops being ready (a server draining for shutdown sends GOAWAY) the
 * stream is rotated: the old one is half-closed so the old server can answer what it holds and
 * finish its drain, and new items go to a new stream, on a new connection.
 */
public final class ScoringStream implements Scorer, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringStream.class);
  private static final Set<Code> TRANSIENT =
      Set.of(Code.UNAVAILABLE, Code.RESOURCE_EXHAUSTED, Code.DEADLINE_EXCEEDED, Code.ABORTED);
  /** Failed streams an item must have been in flight on before it is sent alone. */
  static final int ISOLATE_AFTER_STRIKES = 2;

  /** Receives the final outcome of each submitted record, on a gRPC callback thread. */
  public interface Listener {
    /** The server scored the request. */
    void onScored(InFlightRecord record, PredictResponse response);

    /**
     * The request will not be scored: the server refused it, kept answering transiently past the
     * bound, or it breaks the stream.
     *
     * @param reason one of {@code BridgeHeaders.REASON_REJECTED}, {@code REASON_RETRIES_EXHAUSTED},
     *     {@code REASON_BREAKS_STREAM}
     * @param attempts times the server answered or failed it, this last time included
     */
    void onFailed(InFlightRecord record, Status status, String reason, int attempts);
  }

  private static final class Item {
    final InFlightRecord record;
    final PredictRequest request;
    int attempts;
    int resends;
    int strikes;
    long firstSentNanos;
    long sentAtNanos;
    ClientCallStreamObserver<PredictBatchRequest> stream;

    Item(InFlightRecord record, PredictRequest request) {
      this.record = record;
      this.request = request;
    }
  }

  private final ManagedChannel channel;
  private final ChurnServiceGrpc.ChurnServiceStub stub;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Duration itemTimeout;
  private final ItemRetryBound retryBound;
  private final Listener listener;
  private final BridgeCounters counters;
  private final AtomicLong itemSequence = new AtomicLong();
  private final ScheduledFuture<?> watchdog;

  private final Object lock = new Object();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final LinkedHashMap<String, Item> outstanding = new LinkedHashMap<>();
  private final ArrayDeque<Item> isolation = new ArrayDeque<>();
  private boolean isolating;
  private ClientCallStreamObserver<PredictBatchRequest> call;
  private boolean reopenScheduled;
  private int streamFailures;
  private boolean closed;

  /** Tells the server, for its prediction history, that these calls carry Kafka records. */
  static Metadata viaKafka() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER), "kafka");
    return headers;
  }

  /**
   * @param channel the connection to the server; owned by the caller
   * @param scheduler runs retries and the item-timeout watchdog; owned by the caller
   * @param itemTimeout how long an item may stay unanswered; also the deadline of a unary call
   */
  public ScoringStream(ManagedChannel channel, ScheduledExecutorService scheduler, Backoff backoff,
      Duration itemTimeout, ItemRetryBound retryBound, Listener listener, BridgeCounters counters) {
    this.channel = channel;
    this.stub = ChurnServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(viaKafka()));
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.itemTimeout = itemTimeout;
    this.retryBound = retryBound;
    this.listener = listener;
    this.counters = counters;
    long period = Math.max(10, Math.min(1_000, itemTimeout.toMillis() / 2));
    this.watchdog = scheduler.scheduleWithFixedDelay(this::cancelIfStuck, period, period, TimeUnit.MILLISECONDS);
    watchChannel(channel.getState(false));
  }

  /** Queues a request for scoring; the listener hears about it exactly once unless it is abandoned. */
  @Override
  public void submit(InFlightRecord record, PredictRequest request) {
    synchronized (lock) {
      queue.addLast(new Item(record, request));
      openAndDrainLocked();
    }
  }

  /**
   * Ends the streams: an idle one is half-closed, ones with unanswered items are cancelled. Items
   * still pending are dropped; their offsets were never committed, so they are answered again later.
   */
  @Override
  public void close() {
    watchdog.cancel(false);
    synchronized (lock) {
      closed = true;
      queue.clear();
      isolation.clear();
      var streams = new HashSet<ClientCallStreamObserver<PredictBatchRequest>>();
      outstanding.values().forEach(item -> streams.add(item.stream));
      streams.forEach(stream -> stream.cancel("bridge closing", null));
      if (call != null && !streams.contains(call)) {
        call.onCompleted();
      }
      call = null;
      outstanding.clear();
    }
  }

  private void openAndDrainLocked() {
    if (closed) {
      return;
    }
    if (call == null) {
      if (reopenScheduled) {
        return;
      }
      var observer = new StreamObserver();
      stub.predictBatch(observer);
      call = observer.requestStream;
    }
    drainLocked();
  }

  private void drainLocked() {
    while (call != null && call.isReady() && !queue.isEmpty()) {
      Item item = queue.pollFirst();
      if (item.record.isAbandoned()) {
        continue;
      }
      String itemId = item.record.describe() + "/" + itemSequence.incrementAndGet();
      item.sentAtNanos = System.nanoTime();
      if (item.firstSentNanos == 0) {
        item.firstSentNanos = item.sentAtNanos;
      }
      item.stream = call;
      outstanding.put(itemId, item);
      call.onNext(PredictBatchRequest.newBuilder().setItemId(itemId).setRequest(item.request).build());
    }
  }

  private void onAnswer(PredictBatchResponse answer) {
    Item item;
    synchronized (lock) {
      item = outstanding.remove(answer.getItemId());
      streamFailures = 0;
    }
    if (item == null) {
      LOG.debug("Ignoring answer to unknown item {}", answer.getItemId());
      return;
    }
    if (item.record.isAbandoned()) {
      return;
    }
    item.attempts++;
    switch (answer.getOutcomeCase()) {
      case RESPONSE -> listener.onScored(item.record, answer.getResponse());
      case ERROR -> {
        Status error = answer.getError();
        Code code = Code.forNumber(error.getCode());
        if (code != null && TRANSIENT.contains(code)) {
          retryLater(item, error, false);
        } else {
          listener.onFailed(item.record, error, BridgeHeaders.REASON_REJECTED, item.attempts);
        }
      }
      case OUTCOME_NOT_SET -> listener.onFailed(item.record, Status.newBuilder()
          .setCode(Code.INTERNAL_VALUE)
          .setMessage("the server's answer carried neither a response nor an error")
          .build(), BridgeHeaders.REASON_REJECTED, item.attempts);
    }
  }

  /**
   * Resends an item answered transiently after a backoff, on the stream or alone; once the bound
   * is reached, reports it failed with this last status instead.
   */
  private void retryLater(Item item, Status error, boolean alone) {
    if (retryBound.exhausted(item.attempts, item.firstSentNanos, System.nanoTime())) {
      listener.onFailed(item.record, error, BridgeHeaders.REASON_RETRIES_EXHAUSTED, item.attempts);
      return;
    }
    resendLater(item, error, alone);
  }

  /** Resends an item after a backoff (or the server's {@code RetryInfo} delay), whatever its attempts. */
  private void resendLater(Item item, Status error, boolean alone) {
    counters.retries.incrementAndGet();
    Duration delay = backoff.delay(++item.resends);
    Duration asked = ServerStatus.retryDelay(error);
    if (asked.compareTo(delay) > 0) {
      delay = asked;
    }
    if (LOG.isDebugEnabled()) {
      try (Scope scope = item.record.trace().enter()) {
        LOG.debug("Retrying {} in {} ms after {}: {}", item.record.describe(), delay.toMillis(),
            Code.forNumber(error.getCode()), error.getMessage());
      }
    }
    scheduler.schedule(() -> {
      synchronized (lock) {
        if (item.record.isAbandoned()) {
          return;
        }
        if (alone) {
          isolation.addLast(item);
          isolateLocked();
        } else {
          queue.addLast(item);
          openAndDrainLocked();
        }
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
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
        new io.grpc.stub.StreamObserver<>() {
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
          resendLater(item, status, true);
        } else {
          item.attempts++;
          if (code == Code.DEADLINE_EXCEEDED || code == Code.ABORTED
              || (code == Code.RESOURCE_EXHAUSTED && !ServerStatus.retryDelay(status).isZero())) {
            retryLater(item, status, true);
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

  /**
   * A stream ended: its unanswered items go back to the front of the queue. When it was the current
   * stream a new one is opened after a backoff; a rotated stream's leftovers are resent at once.
   */
  private void onStreamEnded(ClientCallStreamObserver<PredictBatchRequest> stream, io.grpc.Status status) {
    int resent = 0;
    int isolated = 0;
    Duration delay = Duration.ZERO;
    boolean current;
    synchronized (lock) {
      current = call == stream;
      boolean strike = current && status.getCode() != io.grpc.Status.Code.UNAVAILABLE;
      var unanswered = new ArrayList<Item>();
      var entries = outstanding.entrySet().iterator();
      while (entries.hasNext()) {
        Item item = entries.next().getValue();
        if (item.stream == stream) {
          entries.remove();
          if (strike && ++item.strikes >= ISOLATE_AFTER_STRIKES) {
            isolation.addLast(item);
            isolated++;
          } else {
            unanswered.add(item);
          }
        }
      }
      for (int i = unanswered.size() - 1; i >= 0; i--) {
        queue.addFirst(unanswered.get(i));
      }
      resent = unanswered.size();
      counters.retries.addAndGet(resent + isolated);
      if (closed) {
        return;
      }
      if (isolated > 0) {
        isolateLocked();
      }
      if (!current) {
        if (resent > 0) {
          openAndDrainLocked();
        }
      } else {
        call = null;
        streamFailures++;
        delay = backoff.delay(streamFailures);
        reopenScheduled = true;
        scheduler.schedule(() -> {
          synchronized (lock) {
            reopenScheduled = false;
            if (!queue.isEmpty()) {
              openAndDrainLocked();
            }
          }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    if (current && isolated > 0) {
      LOG.warn("PredictBatch stream ended ({}: {}); {} unanswered items requeued, {} sent alone as they were in "
              + "flight on {} failed streams, reconnecting in {} ms",
          status.getCode(), status.getDescription(), resent, isolated, ISOLATE_AFTER_STRIKES, delay.toMillis());
    } else if (current) {
      LOG.warn("PredictBatch stream ended ({}: {}); {} unanswered items requeued, reconnecting in {} ms",
          status.getCode(), status.getDescription(), resent, delay.toMillis());
    } else if (resent > 0) {
      LOG.warn("Rotated PredictBatch stream ended ({}: {}); resending its {} unanswered items",
          status.getCode(), status.getDescription(), resent);
    }
  }

  /**
   * Follows the channel's state; leaving READY means the connection is going away, so rotate. A
   * state read late may already be past a short READY (CONNECTING, READY, then IDLE after a GOAWAY),
   * so reaching IDLE or TRANSIENT_FAILURE rotates too.
   */
  private void watchChannel(ConnectivityState previous) {
    if (previous == ConnectivityState.SHUTDOWN) {
      return;
    }
    channel.notifyWhenStateChanged(previous, () -> {
      ConnectivityState now = channel.getState(false);
      LOG.debug("Channel to the server went from {} to {}", previous, now);
      boolean connectionLeft = now == ConnectivityState.IDLE || now == ConnectivityState.TRANSIENT_FAILURE;
      if (now != ConnectivityState.READY && (previous == ConnectivityState.READY || connectionLeft)) {
        rotate(now);
      }
      watchChannel(now);
    });
  }

  private void rotate(ConnectivityState state) {
    int stillOutstanding;
    synchronized (lock) {
      if (call == null || closed) {
        return;
      }
      var old = call;
      call = null;
      old.onCompleted();
      stillOutstanding = outstanding.size();
      if (!queue.isEmpty() && !reopenScheduled) {
        openAndDrainLocked();
      }
    }
    LOG.info("Connection to the server became {}; new items go to a new stream, {} are still answered on the old one",
        state, stillOutstanding);
  }

  private void cancelIfStuck() {
    synchronized (lock) {
      if (outstanding.isEmpty()) {
        return;
      }
      Item oldest = outstanding.values().iterator().next();
      if (System.nanoTime() - oldest.sentAtNanos > itemTimeout.toNanos()) {
        oldest.stream.cancel("no answer to " + oldest.record.describe() + " within " + itemTimeout.toMillis() + " ms",
            null);
      }
    }
  }

  private final class StreamObserver implements ClientResponseObserver<PredictBatchRequest, PredictBatchResponse> {
    private ClientCallStreamObserver<PredictBatchRequest> requestStream;

    @Override
    public void beforeStart(ClientCallStreamObserver<PredictBatchRequest> stream) {
      this.requestStream = stream;
      stream.setOnReadyHandler(() -> {
        synchronized (lock) {
          if (call == stream) {
            drainLocked();
          }
        }
      });
    }

    @Override
    public void onNext(PredictBatchResponse answer) {
      onAnswer(answer);
    }

    @Override
    public void onError(Throwable error) {
      onStreamEnded(requestStream, io.grpc.Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
      onStreamEnded(requestStream, io.grpc.Status.UNAVAILABLE.withDescription("server ended the stream"));
    }
  }
}
