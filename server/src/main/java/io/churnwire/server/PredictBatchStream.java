package io.churnwire.server;

import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictionMethod;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code PredictBatch} call, with flow control honoured both ways.
 *
 * <p>The stream owns a window of {@code window} items. An item counts against it from the moment
 * it is requested from the client until its answer is written: requested, waiting for scoring
 * permits, being scored, or answered but held because the client is not ready to read. More input
 * is requested only while the window has room, and answers are written only while the transport
 * says the client is ready. A client that stops reading therefore stops the server reading from
 * it, and the server never holds more than {@code window} items for it.
 *
 * <p>Every event (an item, the client's half-close, readiness, capacity, an answer) only records
 * itself under the stream's lock and then drains: one thread at a time moves the queues forward,
 * with the lock released whenever it calls out (the transport, the executor). No foreign callback
 * ever runs under this stream's lock, so streams cannot deadlock one another through the executor,
 * and an event that arrives while another thread drains makes that thread drain again instead of
 * being lost. A stream that leaves cancels its capacity registration. An item the server could not
 * decode is answered with its own {@code INVALID_ARGUMENT} in turn.
 *
 * <p>Items are scored in blocks, one block of a stream at a time: the task handed to the executor
 * takes every waiting item whose permits are free when it starts, so the items that arrive while a
 * block is scored form the next one. A block costs one executor hand-over and one pass of the
 * runtime's block path however many items it holds, and its answers are written together; under a
 * light load a block is a single item and waits for nothing.
 */
final class PredictBatchStream implements StreamObserver<PredictBatchRequest>, StreamWindows.Window {
  /** Most items scored as one block; the window bounds a block too. */
  static final int MAX_BLOCK = 512;

  private final ServerCallStreamObserver<PredictBatchResponse> out;
  private final Predictor predictor;
  private final ScoringExecutor executor;
  private final ServingStats stats;
  private final ServerMetrics metrics;
  private final Context context;
  private final Optional<CallRecord> record;
  private final PredictionOrigin origin;
  private final int window;

  private final ArrayDeque<Pending> waitingForPermit = new ArrayDeque<>();
  private final ArrayDeque<PredictBatchResponse> waitingForClient = new ArrayDeque<>();
  private int requested;
  private int scoring;
  private boolean blockInFlight;
  private boolean clientDone;
  private boolean finished;
  private boolean awaitingCapacity;
  private ScoringExecutor.Waiter registration;
  private boolean draining;
  private boolean drainAgain;

  /** An item taken from the client: decoded with its cost, or the reason it did not decode. */
  private record Pending(PredictBatchRequest item, DecodeFailure failure, int cost) {}

  private PredictBatchStream(ServerCallStreamObserver<PredictBatchResponse> out,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, int window, ServerMetrics metrics) {
    this.out = out;
    this.predictor = predictor;
    this.executor = executor;
    this.stats = stats;
    this.metrics = metrics;
    this.window = window;
    this.context = Context.current();
    this.record = CallRecord.current();
    this.origin = PredictionOrigin.ofCall(PredictionMethod.PREDICTION_METHOD_PREDICT_BATCH);
  }

  static StreamObserver<PredictBatchRequest> open(ServerCallStreamObserver<PredictBatchResponse> out,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, int window, ServerMetrics metrics) {
    PredictBatchStream stream = new PredictBatchStream(out, predictor, executor, stats, window, metrics);
    out.disableAutoRequest();
    out.setOnReadyHandler(stream::drain);
    out.setOnCancelHandler(stream::abandon);
    out.setOnCloseHandler(() -> metrics.streams().closed(stream));
    metrics.streams().opened(stream);
    RequestGuard.onUndecodable(stream::onUndecodable);
    stream.drain();
    return stream;
  }

  @Override
  public void onNext(PredictBatchRequest item) {
    accept(new Pending(item, null, ScoringCost.of(item.getRequest())));
  }

  /** An item that arrived but could not be decoded. */
  void onUndecodable(DecodeFailure failure) {
    accept(new Pending(null, failure, 0));
  }

  private void accept(Pending pending) {
    synchronized (this) {
      stats.recordBatchItemReceived();
      requested--;
      if (finished) {
        return;
      }
      waitingForPermit.add(pending);
    }
    drain();
  }

  @Override
  public void onError(Throwable t) {
    abandon();
  }

  @Override
  public void onCompleted() {
    synchronized (this) {
      clientDone = true;
    }
    drain();
  }

  /** Moves the queues forward, unless another thread is doing so, which then goes round again. */
  private void drain() {
    synchronized (this) {
      if (draining) {
        drainAgain = true;
        return;
      }
      draining = true;
    }
    boolean stepped = false;
    try {
      do {
        step();
      } while (drainAgain());
      stepped = true;
    } finally {
      if (!stepped) {
        synchronized (this) {
          draining = false;
        }
      }
    }
  }

  private synchronized boolean drainAgain() {
    if (drainAgain) {
      drainAgain = false;
      return true;
    }
    draining = false;
    return false;
  }

  /** One pass: start scoring what capacity allows, write what the client takes, ask for more, finish. */
  private void step() {
    if (!startScoring()) {
      return;
    }
    while (true) {
      synchronized (this) {
        if (finished || waitingForClient.isEmpty()) {
          break;
        }
      }
      if (!out.isReady()) {
        break;
      }
      PredictBatchResponse answer;
      synchronized (this) {
        answer = waitingForClient.poll();
      }
      out.onNext(answer);
    }
    int more = 0;
    boolean complete;
    synchronized (this) {
      if (finished) {
        return;
      }
      int held = requested + waitingForPermit.size() + scoring + waitingForClient.size();
      if (!clientDone && held < window) {
        more = window - held;
        requested += more;
      }
      complete = clientDone && waitingForPermit.isEmpty() && !blockInFlight && waitingForClient.isEmpty();
      finished = complete;
    }
    if (more > 0) {
      out.request(more);
    }
    if (complete) {
      out.onCompleted();
    }
  }

  /**
   * Starts scoring the waiting items as one block, unless a block of this stream is being scored
   * (then the items wait for it, and join the next block), or registers for capacity. Items that
   * did not decode and wait ahead of every decoded one are answered at once.
   *
   * @return false when the stream has ended
   */
  private boolean startScoring() {
    Pending first;
    synchronized (this) {
      while (true) {
        if (finished) {
          return false;
        }
        first = waitingForPermit.peek();
        if (first == null || awaitingCapacity || blockInFlight) {
          return true;
        }
        if (first.failure() == null) {
          break;
        }
        waitingForPermit.poll();
        PredictBatchResponse undecodable = predictor.answerUndecodable(first.failure());
        metrics.answered(ScoringMethod.PREDICT_BATCH, undecodable);
        waitingForClient.add(undecodable);
      }
    }
    int cost = first.cost();
    if (!executor.tryAdmit(cost)) {
      awaitCapacity(cost);
      return true;
    }
    boolean left;
    synchronized (this) {
      left = finished;
      if (!left) {
        blockInFlight = true;
      }
    }
    if (left) {
      executor.release(cost);
      return false;
    }
    try {
      executor.scoreThenDeliver(cost, this::scoreBlock);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        blockInFlight = false;
        finished = true;
      }
      out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
      return false;
    }
    return true;
  }

  /** Registers for the next free permits; the callback may run at once, on this thread. */
  private void awaitCapacity(int cost) {
    synchronized (this) {
      awaitingCapacity = true;
    }
    ScoringExecutor.Waiter waiter = executor.whenCapacity(cost, this::onCapacity);
    boolean leftMeanwhile;
    synchronized (this) {
      registration = waiter;
      leftMeanwhile = finished;
    }
    if (leftMeanwhile) {
      waiter.cancel();
    }
  }

  private void onCapacity() {
    synchronized (this) {
      awaitingCapacity = false;
    }
    drain();
  }

  /**
   * Takes, on a scoring thread, the first waiting item (whose permits were taken when the task was
   * handed over) and after it every waiting item whose permits are free, up to {@value #MAX_BLOCK}
   * items, and answers them in order, the valid ones scored together through the runtime's block
   * path. Taking the items only now lets those that arrived while the task waited for its thread
   * join the block. The extra permits are given back before the delivery, as the first item's are.
   */
  private Runnable scoreBlock() {
    List<Pending> block = new ArrayList<>();
    int extra = 0;
    synchronized (this) {
      if (!finished) {
        block.add(waitingForPermit.poll());
        for (Pending next = waitingForPermit.peek(); next != null && block.size() < MAX_BLOCK;
            next = waitingForPermit.peek()) {
          if (next.failure() == null) {
            if (!executor.tryAdmit(next.cost())) {
              break;
            }
            extra += next.cost();
          }
          block.add(waitingForPermit.poll());
        }
        scoring = block.size();
      }
    }
    try {
      if (block.isEmpty()) {
        return this::abandonBlock;
      }
      if (CallLiveness.isGone(context)) {
        stats.recordExpired();
        return this::abandonBlock;
      }
      List<PredictBatchResponse> answers = answer(block);
      for (PredictBatchResponse answer : answers) {
        metrics.answered(ScoringMethod.PREDICT_BATCH, answer);
      }
      record.ifPresent(call -> answers.forEach(call::servedBy));
      return () -> deliver(answers);
    } finally {
      if (extra > 0) {
        executor.release(extra);
      }
    }
  }

  /** The answers to {@code block}, in its order: undecodable items their own status, the others scored together. */
  private List<PredictBatchResponse> answer(List<Pending> block) {
    List<PredictBatchRequest> decoded = new ArrayList<>(block.size());
    for (Pending pending : block) {
      if (pending.failure() == null) {
        decoded.add(pending.item());
      }
    }
    List<PredictBatchResponse> scored;
    try {
      scored = predictor.answerAll(decoded, origin);
    } catch (Throwable t) {
      scored = new ArrayList<>(decoded.size());
      for (PredictBatchRequest item : decoded) {
        scored.add(Predictor.failedItem(item));
      }
    }
    if (scored.size() == block.size()) {
      return scored;
    }
    List<PredictBatchResponse> answers = new ArrayList<>(block.size());
    int next = 0;
    for (Pending pending : block) {
      answers.add(pending.failure() == null ? scored.get(next++) : predictor.answerUndecodable(pending.failure()));
    }
    return answers;
  }

  private void abandonBlock() {
    synchronized (this) {
      scoring = 0;
      blockInFlight = false;
    }
    drain();
  }

  private void deliver(List<PredictBatchResponse> answers) {
    synchronized (this) {
      scoring = 0;
      blockInFlight = false;
      if (!finished) {
        waitingForClient.addAll(answers);
      }
    }
    drain();
  }

  @Override
  public synchronized int held() {
    return finished ? 0 : requested + waitingForPermit.size() + scoring + waitingForClient.size();
  }

  private void abandon() {
    metrics.streams().closed(this);
    ScoringExecutor.Waiter waiter;
    synchronized (this) {
      finished = true;
      waitingForPermit.clear();
      waitingForClient.clear();
      waiter = registration;
      registration = null;
    }
    if (waiter != null) {
      waiter.cancel();
    }
  }
}
