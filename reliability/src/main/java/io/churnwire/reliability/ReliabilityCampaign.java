package io.churnwire.reliability;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the reliability campaign against real processes (the packaged server, Envoy, a Kafka
 * broker, the bridge) and prints a summary table; exits 1 when an expectation broke, so the
 * figures are reported even then.
 */
public final class ReliabilityCampaign {
  /** The scenarios, numbered 1 to 6 in this order. */
  static final List<Scenario> SCENARIOS = List.of(new FuzzScenario(), new OverloadScenario(),
      new BridgeKillScenario(), new HotReloadScenario(), new StreamCancellationScenario(), new TopologyScenario());

  private ReliabilityCampaign() {}

  public static void main(String[] args) throws Exception {
    CampaignOptions options;
    try {
      options = CampaignOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("reliability: " + e.getMessage());
      System.err.print(CampaignOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(CampaignOptions.USAGE);
      return;
    }
    Checkout checkout = options.root().map(Checkout::new).orElseGet(Checkout::locate);
    Workspace workspace = Workspace.create(checkout);
    System.out.println("reliability: " + options.scale().name() + " form; logs in " + workspace.dir());
    Summary summary = run(options, workspace);
    String table = summary.table();
    System.out.println();
    System.out.print(table);
    if (options.figures().isPresent()) {
      Files.writeString(options.figures().get(), table, StandardCharsets.UTF_8);
    }
    System.exit(summary.passed() ? 0 : 1);
  }

  /** Runs the selected scenarios one after the other; a scenario that throws is reported as failed. */
  static Summary run(CampaignOptions options, Workspace workspace) {
    List<ScenarioResult> results = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      if (options.selects(scenario.number())) {
        System.out.println("reliability: scenario " + scenario.number() + ", " + scenario.name());
        ScenarioResult result = run(scenario, options.scale(), workspace);
        System.out.println("reliability: scenario " + scenario.number() + (result.passed() ? " passed" : " FAILED")
            + " in " + result.took().toSeconds() + " s");
        results.add(result);
      }
    }
    return new Summary(options.shortForm(), results);
  }

  /** One scenario; an exception becomes a failed result naming it, so the other figures still print. */
  static ScenarioResult run(Scenario scenario, Scale scale, Workspace workspace) {
    long started = System.nanoTime();
    try {
      return scenario.run(scale, workspace);
    } catch (Exception | AssertionError e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      System.err.println("reliability: scenario " + scenario.number() + " could not finish:\n" + trace);
      return new ScenarioResult(scenario.number(), scenario.name(), List.of(),
          List.of("could not finish: " + e), Duration.ofNanos(System.nanoTime() - started));
    }
  }

  static Workspace workspace() throws IOException {
    return Workspace.create(Checkout.locate());
  }
}
