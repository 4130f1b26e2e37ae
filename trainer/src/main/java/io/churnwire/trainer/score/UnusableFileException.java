package io.churnwire.trainer.score;

import java.io.IOException;

/**
 * A run that cannot start because of a file it was given: an input that does not exist, is not in
 * its format or lacks a column, or an output that cannot be created. The command line answers it
 * as a usage error, since nothing was scored.
 */
public class UnusableFileException extends IOException {

  /** What is wrong, naming the file. */
  public UnusableFileException(String message) {
    super(message);
  }

  /** What is wrong, naming the file, and what the library said. */
  public UnusableFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
