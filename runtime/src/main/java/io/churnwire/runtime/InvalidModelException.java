package io.churnwire.runtime;

import java.io.IOException;

/**
 * A model directory that must not be served: missing or unreadable files, a model.pb whose hash
 * does not match metadata.json, a compiled model that fails validation, or one that does not fit
 * the recorded schema.
 */
public class InvalidModelException extends IOException {

  /** An invalid model, described for an operator. */
  public InvalidModelException(String message) {
    super(message);
  }

  /** An invalid model, with the underlying failure. */
  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
