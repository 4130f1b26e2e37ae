package io.churnwire.model;

import java.util.List;

/** A promotion refused by the {@link DeployCheck}, with every reason, so it can be fixed at once. */
public final class DeployCheckException extends Exception {

  private final transient List<String> problems;

  /** A refusal of {@code version} for {@code problems}. */
  public DeployCheckException(String version, List<String> problems) {
    super(version + " fails the deploy check: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** The reasons, one per failed condition. */
  public List<String> problems() {
    return problems;
  }
}
