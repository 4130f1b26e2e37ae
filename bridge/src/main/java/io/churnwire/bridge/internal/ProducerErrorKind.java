package io.churnwire.bridge.internal;

import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/** How the bridge treats a send the producer gave up on, by the kind of its exception. */
public enum ProducerErrorKind {
  /** The record is larger than the producer or the broker accepts: send a smaller dead letter instead. */
  TOO_LARGE,
  /** Kafka says a later attempt may succeed (timeouts, leader changes, too few replicas): back off and resend. */
  RETRIABLE,
  /** Anything else (authorization, authentication, a closed producer): resending the same record cannot help. */
  FATAL;

  /** The kind of {@code error}. */
  public static ProducerErrorKind of(Throwable error) {
    if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) {
      return TOO_LARGE;
    }
    if (error instanceof RetriableException) {
      return RETRIABLE;
    }
    return FATAL;
  }
}
