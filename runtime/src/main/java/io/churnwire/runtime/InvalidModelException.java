package io.churnwire.runtime;

import java.io.IOException;

/**
 * A model directory that must not be served: missing or unreadable files, a model.bin whose hash
 * does not match metadata.json, a forbidden class in the serialized forest, or a forest that does
 * not fit the recorded schema.
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
