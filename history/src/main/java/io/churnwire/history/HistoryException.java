package io.churnwire.history;

/** The store could not be reached or refused a statement; what it says names the store, never credentials. */
public final class HistoryException extends RuntimeException {
  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
