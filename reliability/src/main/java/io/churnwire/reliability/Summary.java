package io.churnwire.reliability;

import java.util.List;

/** The campaign's results, printed as one table of figures with each scenario's verdict. */
public record Summary(boolean shortForm, List<ScenarioResult> results) {

  public Summary {
    results = List.copyOf(results);
  }

  public boolean passed() {
    return results.stream().allMatch(ScenarioResult::passed);
  }

  /** Every broken expectation, prefixed with its scenario. */
  public List<String> violations() {
    return results.stream()
        .flatMap(r -> r.violations().stream().map(v -> r.number() + ". " + r.name() + ": " + v))
        .toList();
  }

  /** A Markdown table: scenario, figure, value; then the broken expectations, if any. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append("Reliability campaign, ").append(shortForm ? "short" : "long").append(" form\n\n");
    out.append("| # | scenario | figure | value |\n|---|---|---|---|\n");
    for (ScenarioResult result : results) {
      String verdict = result.passed() ? "pass" : "FAIL";
      out.append(row(result.number(), result.name(), "verdict",
          verdict + " (" + result.took().toSeconds() + " s)"));
      for (Figure figure : result.figures()) {
        out.append(row(result.number(), result.name(), figure.name(), figure.value()));
      }
    }
    List<String> violations = violations();
    out.append('\n').append(violations.isEmpty() ? "every expectation held\n" : "broken expectations:\n");
    violations.forEach(v -> out.append("- ").append(v).append('\n'));
    return out.toString();
  }

  private static String row(int number, String scenario, String figure, String value) {
    return "| " + number + " | " + scenario + " | " + figure + " | " + value.replace("|", "\\|") + " |\n";
  }
}
