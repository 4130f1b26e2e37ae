package io.churnwire.history;

/**
 * What a {@link HistoryRecorder} reports as it goes, for metrics and health; every method does
 * nothing unless overridden. Calls come from the recorder's writer thread, except
 * {@link #dropped} for a full queue, which comes from the caller of {@link HistoryRecorder#record}
 * and so must be cheap.
 */
public interface RecorderListener {
  /** A listener that ignores everything. */
  RecorderListener NONE = new RecorderListener() {};

  /** {@code count} predictions were written in one transaction taking {@code nanos}. */
  default void written(int count, long nanos) {}

  /** {@code count} predictions were given up: the queue was full, or a stop ran out of time. */
  default void dropped(int count) {}

  /** A write failed while the store had been answering; recording is retried until it answers again. */
  default void storeUnavailable(HistoryException e) {}

  /** A write succeeded after the store had been unavailable. */
  default void storeAvailable() {}
}
