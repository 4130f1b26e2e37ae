package io.churnwire.server;

import com.google.rpc.Status;
import java.util.Objects;

/**
 * A call the server refuses with a typed status other than a field violation, such as
 * {@code NOT_FOUND} for a model version it does not know; thrown where the refusal is found and
 * answered as given.
 */
final class CallRefusedException extends Exception {
  private final Status status;

  CallRefusedException(Status status) {
    super(status.getMessage(), null, false, false);
    this.status = Objects.requireNonNull(status, "status");
  }

  /** The answer to send. */
  Status status() {
    return status;
  }
}
