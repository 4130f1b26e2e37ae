package io.churnwire.bridge.internal;

import java.util.concurrent.ScheduledExecutorService;

/**
 * How a partition's answers reach the broker: through which sender, resent how often and how
 * late after retriable errors, and cut to which size.
 *
 * @param sender hands records to the producer without blocking
 * @param maxAttempts sends of one answer after retriable errors before its partition is given up
 * @param backoff delay before a resend
 * @param scheduler runs the resends
 * @param sizeLimit what to send instead of an answer that is too large
 */
public record Delivery(RecordSender sender, int maxAttempts, Backoff backoff, ScheduledExecutorService scheduler,
    AnswerSizeLimit sizeLimit) {

  /** Checks that at least one attempt is allowed. */
  public Delivery {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
  }
}
