package io.churnwire.server;

import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictionMethod;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
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
 */
final class PredictBatchStream implements StreamObserver<PredictBatchRequest>, StreamWindows.Window {
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
      complete = clientDone && waitingForPermit.isEmpty() && scoring == 0 && waitingForClient.isEmpty();
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
   * Hands waiting items to the executor while it has permits for them, or registers for capacity.
   *
   * @return false when the stream has ended
   */
  private boolean startScoring() {
    while (true) {
      Pending next;
      synchronized (this) {
        if (finished) {
          return false;
        }
        next = waitingForPermit.peek();
        if (next == null || awaitingCapacity) {
          return true;
        }
        if (next.failure() != null) {
          waitingForPermit.poll();
          PredictBatchResponse undecodable = predictor.answerUndecodable(next.failure());
          metrics.answered(ScoringMethod.PREDICT_BATCH, undecodable);
          waitingForClient.add(undecodable);
          continue;
        }
      }
      int cost = next.cost();
      if (!executor.tryAdmit(cost)) {
        awaitCapacity(cost);
        return true;
      }
      boolean left;
      synchronized (this) {
        left = finished;
        if (!left) {
          waitingForPermit.poll();
          scoring++;
        }
      }
      if (left) {
        executor.release(cost);
        return false;
      }
      PredictBatchRequest item = next.item();
      try {
        executor.scoreThenDeliver(cost, () -> score(item));
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          scoring--;
          finished = true;
        }
        out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
        return false;
      }
    }
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

  /** Scores on a scoring thread; the returned delivery runs once the permits are given back. */
  private Runnable score(PredictBatchRequest item) {
    if (CallLiveness.isGone(context)) {
      stats.recordExpired();
      return this::abandonItem;
    }
    PredictBatchResponse answer;
    try {
      answer = predictor.answerItem(item, origin);
    } catch (Throwable t) {
      answer = Predictor.failedItem(item);
    }
    metrics.answered(ScoringMethod.PREDICT_BATCH, answer);
    PredictBatchResponse delivered = answer;
    record.ifPresent(call -> call.servedBy(delivered));
    return () -> deliver(delivered);
  }

  private void abandonItem() {
    synchronized (this) {
      scoring--;
    }
    drain();
  }

  private void deliver(PredictBatchResponse answer) {
    synchronized (this) {
      scoring--;
      if (!finished) {
        waitingForClient.add(answer);
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
