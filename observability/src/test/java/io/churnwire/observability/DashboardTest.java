package io.churnwire.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped dashboards as Grafana will load them: every panel queries the provisioned data
 * source, panel ids are unique, and every query is PromQL once Grafana's interval variables are
 * put in (the integration test then evaluates each against a real Prometheus).
 */
class DashboardTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyPanel_queriesTheProvisionedDataSource() throws Exception {
    Map<String, Object> provisioning = RuleFiles.load(Tools.grafanaDir().resolve("provisioning/datasources/prometheus.yml"));
    Map<String, Object> dataSource = ((List<Map<String, Object>>) provisioning.get("datasources")).getFirst();

    for (Dashboard dashboard : Dashboard.shipped()) {
      for (JsonNode panel : dashboard.panels()) {
        String title = dashboard.file().getFileName() + " panel " + panel.path("title").asString();
        assertEquals(dataSource.get("uid"), panel.path("datasource").path("uid").asString(), title);
        assertEquals(dataSource.get("type"), panel.path("datasource").path("type").asString(), title);
        assertFalse(panel.path("targets").isEmpty(), title + " has no query");
        for (JsonNode target : panel.path("targets")) {
          assertEquals(dataSource.get("uid"), target.path("datasource").path("uid").asString(), title);
        }
      }
    }
  }

  @Test
  void panelIds_andDashboardUids_areUnique() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Dashboard dashboard : Dashboard.shipped()) {
      assertTrue(uids.add(dashboard.json().path("uid").asString()), "duplicate uid in " + dashboard.file());
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : dashboard.json().path("panels")) {
        assertTrue(ids.add(panel.path("id").asInt()), dashboard.file() + " panel id " + panel.path("id"));
      }
    }
  }

  @Test
  void everyQuery_usesOnlyTheVariablesTheTestsKnow() throws Exception {
    List<Dashboard.Query> queries = Dashboard.shipped().stream().flatMap(dashboard -> dashboard.queries().stream()).toList();

    assertFalse(queries.isEmpty());
    for (Dashboard.Query query : queries) {
      assertFalse(query.expr().isBlank(), query.toString());
      assertFalse(query.promql().contains("$"), "unknown variable in " + query);
      assertFalse(query.metricNames().isEmpty(), "no metric name found in " + query);
    }
  }
}
