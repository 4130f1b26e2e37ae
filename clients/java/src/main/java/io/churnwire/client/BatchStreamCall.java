package io.churnwire.client;

import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Drives one {@code PredictBatch} call from an iterator, honouring flow control on the way out.
 *
 * <p>An item is taken from the iterator only when the transport {@linkplain
 * ClientCallStreamObserver#isReady() is ready} and fewer than {@code window} items are waiting for
 * their answers; sending resumes from the on-ready handler and from each answer. The client
 * therefore never buffers more than the transport allows nor runs ahead of the server by more than
 * {@code window} items, however long the iterator is. On the way in, grpc-java asks for the next
 * answer only after the consumer has returned from the previous one, so a slow consumer slows the
 * server instead of filling memory.
 */
final class BatchStreamCall implements ClientResponseObserver<PredictBatchRequest, PredictBatchResponse> {
  private final Iterator<PredictBatchRequest> items;
  private final Consumer<BatchResult> onResult;
  private final int window;
  private final int chunk;
  private final CompletableFuture<BatchSummary> result = new CompletableFuture<>();

  private ClientCallStreamObserver<PredictBatchRequest> requests;
  private int outstanding;
  private long sent;
  private long scored;
  private long failed;
  private int consumedSinceRequest;
  private boolean halfClosed;

  BatchStreamCall(Iterator<PredictBatchRequest> items, Consumer<BatchResult> onResult, int window) {
    this.items = items;
    this.onResult = onResult;
    this.window = window;
    this.chunk = Math.max(1, window / 4);
  }

  CompletableFuture<BatchSummary> result() {
    return result;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<PredictBatchRequest> requestStream) {
    this.requests = requestStream;
    requestStream.disableAutoRequestWithInitial(window + chunk);
    requestStream.setOnReadyHandler(this::pump);
    result.whenComplete((summary, error) -> {
      if (result.isCancelled()) {
        requestStream.cancel("cancelled by the caller", null);
      }
    });
  }

  /** Sends as many items as readiness and the window allow; half-closes once the iterator is spent. */
  synchronized void pump() {
    fill();
  }

  private void fill() {
    if (halfClosed || result.isDone()) {
      return;
    }
    try {
      while (outstanding < window && requests.isReady() && items.hasNext()) {
        requests.onNext(items.next());
        outstanding++;
        sent++;
      }
      if (!items.hasNext()) {
        halfClosed = true;
        requests.onCompleted();
      }
    } catch (RuntimeException e) {
      abort("the item iterator failed", e);
    }
  }

  @Override
  public void onNext(PredictBatchResponse answer) {
    BatchResult item = BatchResult.of(answer);
    try {
      onResult.accept(item);
    } catch (RuntimeException e) {
      abort("the result consumer failed", e);
      return;
    }
    synchronized (this) {
      outstanding--;
      if (item.scored()) {
        scored++;
      } else {
        failed++;
      }
      if (++consumedSinceRequest == chunk) {
        consumedSinceRequest = 0;
        requests.request(chunk);
      }
      if (outstanding <= window - chunk) {
        fill();
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(ChurnClientException.from(t));
  }

  @Override
  public synchronized void onCompleted() {
    if (outstanding != 0) {
      result.completeExceptionally(ChurnClientException.from(Status.INTERNAL
          .withDescription("the server ended the stream with " + outstanding + " of " + sent
              + " items unanswered")
          .asRuntimeException()));
      return;
    }
    result.complete(new BatchSummary(sent, scored, failed));
  }

  private synchronized void abort(String why, RuntimeException cause) {
    if (result.completeExceptionally(cause)) {
      requests.cancel(why, cause);
    }
  }
}
