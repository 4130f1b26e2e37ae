package io.churnwire.bridge.internal;

import com.google.rpc.Status;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;

/** Where the consumer loop hands decoded requests; {@link BatchScorer} is the one used in production. */
public interface Scorer {

  /** Receives the final outcome of each submitted record, on a gRPC callback thread. */
  interface Listener {
    /** The server scored the request. */
    void onScored(InFlightRecord record, PredictResponse response);

    /**
     * The request will not be scored: the server refused it, kept answering transiently past the
     * bound, or it breaks every call it is in.
     *
     * @param reason one of {@code BridgeHeaders.REASON_REJECTED}, {@code REASON_RETRIES_EXHAUSTED},
     *     {@code REASON_BREAKS_STREAM}
     * @param attempts times the server answered or failed it, this last time included
     */
    void onFailed(InFlightRecord record, Status status, String reason, int attempts);
  }

  /**
   * Queues a request for scoring; its outcome reaches the listener given to the scorer, exactly
   * once. It may wait for {@link #flush()} to be sent with the requests queued beside it.
   */
  void submit(InFlightRecord record, PredictRequest request);

  /** Sends what was submitted so far; the consumer loop calls it after each poll. */
  default void flush() {}
}
