package io.churnwire.runtime;

import java.util.List;

/**
 * A promotion refused by {@link ModelRegistry#promote}, with every reason, so they can be fixed at
 * once.
 */
public final class PromotionRefusedException extends Exception {

  private final transient List<String> problems;

  /** A refusal of {@code version} for {@code problems}. */
  public PromotionRefusedException(String version, List<String> problems) {
    super(version + " may not be promoted: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** The reasons, one per failed condition. */
  public List<String> problems() {
    return problems;
  }
}
