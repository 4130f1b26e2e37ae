package io.churnwire.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus files as promtool reads them: the compose configuration and its rule
 * file are valid, and every recording rule and alert passes its unit tests in
 * {@code churnwire-rules.test.yml} (each alert both fires and stays quiet there).
 */
class PrometheusRulesTest {

  @Test
  void composeConfiguration_isValid_andLoadsTheRuleFile() throws Exception {
    Promtool.Result result = Promtool.run("check", "config", "prometheus.yml");

    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("1 rule files found"), result.output());
  }

  @Test
  void rules_areValid() throws Exception {
    Promtool.Result result = Promtool.run("check", "rules", "churnwire-rules.yml");

    assertEquals(0, result.exitCode(), result.output());
  }

  @Test
  void rules_passTheirUnitTests() throws Exception {
    Promtool.Result result = Promtool.run("test", "rules", "churnwire-rules.test.yml");

    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
  }

  @Test
  void everyAlert_waitsBeforeFiring_andSaysHowBadAndWhat() throws Exception {
    List<RuleFiles.Rule> alerts = RuleFiles.rules().stream().filter(RuleFiles.Rule::isAlert).toList();

    assertFalse(alerts.isEmpty());
    for (RuleFiles.Rule alert : alerts) {
      assertTrue(alert.fields().get("for") instanceof String duration && !duration.isBlank(), alert.name() + " for");
      assertTrue(Set.of("critical", "warning").contains(alert.map("labels").get("severity")), alert.name() + " severity");
      Map<String, Object> annotations = alert.map("annotations");
      assertTrue(annotations.get("summary") instanceof String, alert.name() + " summary");
      assertTrue(annotations.get("description") instanceof String, alert.name() + " description");
    }
  }

  /** promtool passes alerts that no test names, so this checks that each is tested both ways. */
  @Test
  @SuppressWarnings("unchecked")
  void everyAlert_isTestedFiring_andQuiet() throws Exception {
    Map<String, Object> tests = RuleFiles.load(Tools.prometheusDir().resolve("churnwire-rules.test.yml"));
    Map<String, Set<Boolean>> firesByAlert = new HashMap<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
        firesByAlert.computeIfAbsent((String) check.get("alertname"), name -> new HashSet<>())
            .add(!((List<?>) check.get("exp_alerts")).isEmpty());
      }
    }

    for (RuleFiles.Rule alert : RuleFiles.rules().stream().filter(RuleFiles.Rule::isAlert).toList()) {
      assertEquals(Set.of(true, false), firesByAlert.getOrDefault(alert.name(), Set.of()),
          alert.name() + " is tested firing (true) and quiet (false)");
    }
  }
}
