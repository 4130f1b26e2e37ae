package io.churnwire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The campaign's short form in the build: each scenario against real processes, failing when one
 * of its expectations breaks; the summary table of every figure is printed at the end.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReliabilityCampaignIT {
  private static final Scale SCALE = Scale.shortForm();
  private static final List<ScenarioResult> RESULTS = new ArrayList<>();
  private static Workspace workspace;

  @BeforeAll
  static void createWorkspace() throws Exception {
    workspace = ReliabilityCampaign.workspace();
  }

  @AfterAll
  static void printSummary() {
    System.out.println(new Summary(true, RESULTS).table());
  }

  @Test
  void fuzzedCalls_neverAnswerUnknownOrInternal_andLeaveTheServerServingWithABoundedLog() {
    assertPassed(new FuzzScenario());
  }

  @Test
  void overloadAtFourTimesCapacity_refusesOnlyWithResourceExhausted_andRecoversWithinOneSecond() {
    assertPassed(new OverloadScenario());
  }

  @Test
  void bridgeKilledRepeatedly_answersOrDeadLettersEveryRequest() {
    assertPassed(new BridgeKillScenario());
  }

  @Test
  void hotReloadEverySecondUnderLoad_failsNoCall() {
    assertPassed(new HotReloadScenario());
  }

  @Test
  void cancelledAndCompletedStreams_leaveNoStreamHangingAndNoScoringThreadStuck() {
    assertPassed(new StreamCancellationScenario());
  }

  @Test
  void rollingRestartOfAServerAndKillOfABridge_behindEnvoy_failNoCallAndAnswerEveryKafkaRequest() {
    assertPassed(new TopologyScenario());
  }

  private static void assertPassed(Scenario scenario) {
    ScenarioResult result = ReliabilityCampaign.run(scenario, SCALE, workspace);
    synchronized (RESULTS) {
      RESULTS.add(result);
    }
    assertEquals(List.of(), result.violations(), () -> new Summary(true, List.of(result)).table());
  }
}
