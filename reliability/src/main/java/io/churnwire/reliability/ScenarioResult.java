package io.churnwire.reliability;

import java.time.Duration;
import java.util.List;

/**
 * What one scenario measured and which of its expectations broke; an empty {@code violations}
 * list means the scenario passed.
 */
public record ScenarioResult(int number, String name, List<Figure> figures, List<String> violations,
    Duration took) {

  public ScenarioResult {
    figures = List.copyOf(figures);
    violations = List.copyOf(violations);
  }

  public boolean passed() {
    return violations.isEmpty();
  }
}
