package io.churnwire.client;

import com.google.rpc.Code;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictResponse;

/**
 * The outcome of one batch item: scored, or failed with a typed error. Sealed so callers handle
 * both with a {@code switch} instead of probing a proto {@code oneof}.
 */
public sealed interface BatchResult {
  /** The client-chosen id of the item this answers. */
  String itemId();

  /** Whether the item was scored. */
  default boolean scored() {
    return this instanceof Scored;
  }

  /** The item was scored. */
  record Scored(String itemId, PredictResponse response) implements BatchResult {}

  /**
   * The item was not scored; for bad input {@code error} is an {@link InvalidRequestException} whose
   * field paths start with {@code request.}.
   */
  record Failed(String itemId, ChurnClientException error) implements BatchResult {}

  /** Reads one answer of {@code PredictBatch} or {@code BatchPredict}. */
  static BatchResult of(PredictBatchResponse answer) {
    return switch (answer.getOutcomeCase()) {
      case RESPONSE -> new Scored(answer.getItemId(), answer.getResponse());
      case ERROR -> new Failed(answer.getItemId(), ChurnClientException.fromStatus(answer.getError()));
      case OUTCOME_NOT_SET -> new Failed(answer.getItemId(), ChurnClientException.fromStatus(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.INTERNAL_VALUE)
              .setMessage("the server answered item " + answer.getItemId() + " with neither a prediction nor an error")
              .build()));
    };
  }
}
