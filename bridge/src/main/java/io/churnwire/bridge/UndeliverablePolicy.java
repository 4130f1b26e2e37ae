package io.churnwire.bridge;

/**
 * What the bridge does once an answer (a response or a dead letter) cannot be delivered: the
 * producer refused it for good, or its retries ran out. Either way nothing past that record is
 * committed, so no request is lost; the choice is whether the other partitions keep flowing.
 */
public enum UndeliverablePolicy {
  /**
   * Stop consuming that partition and keep serving the others; the partition resumes from its
   * last committed offset when it moves to another instance or this one restarts.
   */
  PAUSE,
  /** Stop the whole bridge gracefully (the other partitions drain and commit) and exit with 1. */
  EXIT
}
