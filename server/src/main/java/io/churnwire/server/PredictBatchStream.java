package io.churnwire.server;

import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code PredictBatch} call, with flow control honoured both ways.
 *
 * <p>The stream owns a window of {@code window} items. An item counts against it from the moment
 * it is requested from the client until its answer is written: requested, waiting for a scoring
 * permit, being scored, or answered but held because the client is not ready to read. More input
 * is requested only while the window has room, and answers are written only while the transport
 * says the client is ready. A client that stops reading therefore stops the server reading from
 * it, and the server never holds more than {@code window} items for it.
 */
final class PredictBatchStream implements StreamObserver<PredictBatchRequest> {
  private final ServerCallStreamObserver<PredictBatchResponse> out;
  private final Predictor predictor;
  private final ScoringExecutor executor;
  private final ServingStats stats;
  private final Context context;
  private final int window;

  private final ArrayDeque<PredictBatchRequest> waitingForPermit = new ArrayDeque<>();
  private final ArrayDeque<PredictBatchResponse> waitingForClient = new ArrayDeque<>();
  private int requested;
  private int scoring;
  private boolean clientDone;
  private boolean finished;
  private boolean awaitingCapacity;

  private PredictBatchStream(ServerCallStreamObserver<PredictBatchResponse> out,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, int window) {
    this.out = out;
    this.predictor = predictor;
    this.executor = executor;
    this.stats = stats;
    this.window = window;
    this.context = Context.current();
  }

  static StreamObserver<PredictBatchRequest> open(ServerCallStreamObserver<PredictBatchResponse> out,
      Predictor predictor, ScoringExecutor executor, ServingStats stats, int window) {
    PredictBatchStream stream = new PredictBatchStream(out, predictor, executor, stats, window);
    out.disableAutoRequest();
    out.setOnReadyHandler(stream::pump);
    out.setOnCancelHandler(stream::abandon);
    stream.pump();
    return stream;
  }

  @Override
  public synchronized void onNext(PredictBatchRequest item) {
    stats.recordBatchItemReceived();
    requested--;
    if (finished) {
      return;
    }
    waitingForPermit.add(item);
    pump();
  }

  @Override
  public void onError(Throwable t) {
    abandon();
  }

  @Override
  public synchronized void onCompleted() {
    clientDone = true;
    pump();
  }

  /** Moves every queue forward as far as capacity and the client allow. */
  private synchronized void pump() {
    if (finished) {
      return;
    }
    startScoring();
    while (!waitingForClient.isEmpty() && out.isReady()) {
      out.onNext(waitingForClient.poll());
    }
    int held = requested + waitingForPermit.size() + scoring + waitingForClient.size();
    if (!clientDone && held < window) {
      requested += window - held;
      out.request(window - held);
    }
    if (clientDone && waitingForPermit.isEmpty() && scoring == 0 && waitingForClient.isEmpty()) {
      finished = true;
      out.onCompleted();
    }
  }

  private void startScoring() {
    while (!waitingForPermit.isEmpty()) {
      if (!executor.tryAdmit()) {
        if (!awaitingCapacity) {
          awaitingCapacity = true;
          executor.whenCapacity(this::onCapacity);
        }
        return;
      }
      PredictBatchRequest item = waitingForPermit.poll();
      scoring++;
      try {
        executor.scoreThenDeliver(() -> score(item));
      } catch (RejectedExecutionException e) {
        scoring--;
        finished = true;
        out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
        return;
      }
    }
  }

  private synchronized void onCapacity() {
    awaitingCapacity = false;
    pump();
  }

  /** Scores on a scoring thread; the returned delivery runs once the permit is given back. */
  private Runnable score(PredictBatchRequest item) {
    if (context.isCancelled()) {
      stats.recordExpired();
      return this::abandonItem;
    }
    PredictBatchResponse answer = predictor.answerItem(item);
    return () -> deliver(answer);
  }

  private synchronized void abandonItem() {
    scoring--;
  }

  private synchronized void deliver(PredictBatchResponse answer) {
    scoring--;
    waitingForClient.add(answer);
    pump();
  }

  private synchronized void abandon() {
    finished = true;
    waitingForPermit.clear();
    waitingForClient.clear();
  }
}
