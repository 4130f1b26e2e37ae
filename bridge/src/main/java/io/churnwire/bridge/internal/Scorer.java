package io.churnwire.bridge.internal;

import io.churnwire.v1.PredictRequest;

/** Where the consumer loop hands decoded requests; {@link ScoringStream} is the one used in production. */
public interface Scorer {

  /** Queues a request for scoring; its outcome reaches the listener given to the scorer, exactly once. */
  void submit(InFlightRecord record, PredictRequest request);
}
