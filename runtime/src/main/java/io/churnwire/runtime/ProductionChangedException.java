package io.churnwire.runtime;

import java.util.Optional;

/**
 * A promotion or rollback refused because the production pointer no longer names the version the
 * caller expected, so that two operators (or two scripts) never silently overwrite each other's
 * move: the loser learns what is production now and decides again.
 */
public final class ProductionChangedException extends IllegalStateException {

  private final String expected;
  private final transient Optional<String> actual;

  /** A refusal of {@code action}: the caller expected {@code expected}, the pointer names {@code actual}. */
  public ProductionChangedException(String action, String expected, Optional<String> actual) {
    super(action + " refused: the production pointer names " + actual.orElse("no version")
        + ", not the expected " + expected + "; another promote or rollback moved it, nothing was changed");
    this.expected = expected;
    this.actual = actual;
  }

  /** The version the caller expected to be production. */
  public String expected() {
    return expected;
  }

  /** The version that is production, or empty when there is none. */
  public Optional<String> actual() {
    return actual;
  }
}
