package io.churnwire.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what happened to scoring work, for logs, metrics and tests. */
public final class ServingStats {
  private final LongAdder scored = new LongAdder();
  private final LongAdder invalid = new LongAdder();
  private final LongAdder overloaded = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder batchItemsReceived = new LongAdder();
  private final LongAdder failed = new LongAdder();

  void recordScored(int items) {
    scored.add(items);
  }

  void recordInvalid() {
    invalid.increment();
  }

  void recordOverloaded() {
    overloaded.increment();
  }

  void recordExpired() {
    expired.increment();
  }

  void recordFailed() {
    failed.increment();
  }

  void recordBatchItemReceived() {
    batchItemsReceived.increment();
  }

  /** Customers scored. */
  public long scored() {
    return scored.sum();
  }

  /** Requests or items answered {@code INVALID_ARGUMENT}. */
  public long invalid() {
    return invalid.sum();
  }

  /** Calls answered {@code RESOURCE_EXHAUSTED}. */
  public long overloaded() {
    return overloaded.sum();
  }

  /** Admitted work dropped unscored because its deadline passed or its caller left. */
  public long expired() {
    return expired.sum();
  }

  /** {@code PredictBatch} items taken from clients. */
  public long batchItemsReceived() {
    return batchItemsReceived.sum();
  }

  /** Requests or items whose scoring failed inside the server (answered {@code INTERNAL}). */
  public long failed() {
    return failed.sum();
  }
}
