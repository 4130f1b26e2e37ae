package io.churnwire.server;

import io.churnwire.history.PredictionRecord;

/**
 * Where the data plane hands every prediction it answers, for the history. It must never block or
 * throw into scoring: the recorder behind it queues, and drops (counting) what it cannot keep.
 */
@FunctionalInterface
public interface PredictionSink {
  /** Keeps nothing: history is off. */
  PredictionSink NONE = record -> {};

  /** Takes one answered prediction. */
  void record(PredictionRecord record);
}
