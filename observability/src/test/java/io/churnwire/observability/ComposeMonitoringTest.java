package io.churnwire.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml's Prometheus and Grafana against the files they mount (no Docker engine
 * needed): every scrape target is a compose service exposing that port and told to serve its
 * metrics there, the mounts are the directories the configurations name, and Grafana holds no
 * credential.
 */
class ComposeMonitoringTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyScrapeTarget_isAComposeServiceExposingThatPort() throws Exception {
    Map<String, Map<String, Object>> services = services();
    Map<String, Object> config = RuleFiles.load(Tools.prometheusDir().resolve("prometheus.yml"));
    List<String> targets = new ArrayList<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
      for (Map<String, Object> group : (List<Map<String, Object>>) job.get("static_configs")) {
        targets.addAll((List<String>) group.get("targets"));
      }
    }

    assertEquals(List.of("server:9464", "bridge:9465"), targets);
    for (String target : targets) {
      String[] hostAndPort = target.split(":");
      Map<String, Object> service = services.get(hostAndPort[0]);
      assertTrue(service != null, "no compose service " + hostAndPort[0]);
      assertTrue(strings(service.get("expose")).contains(hostAndPort[1]), target + " expose: " + service.get("expose"));
      Map<String, Object> environment = (Map<String, Object>) service.get("environment");
      assertTrue(environment.entrySet().stream().anyMatch(setting -> setting.getKey().endsWith("_METRICS_PORT")
          && hostAndPort[1].equals(setting.getValue())), target + " environment: " + environment);
    }
  }

  @Test
  void prometheus_mountsTheShippedConfigurationReadOnly_onAReadOnlyRoot() throws Exception {
    Map<String, Object> prometheus = services().get("prometheus");

    assertTrue(strings(prometheus.get("volumes")).contains("./observability/prometheus:/etc/prometheus:ro"),
        prometheus.get("volumes").toString());
    assertTrue(strings(prometheus.get("command")).contains("--config.file=/etc/prometheus/prometheus.yml"));
    assertEquals(Boolean.TRUE, prometheus.get("read_only"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafana_provisionsTheDataSourceAndDashboards_andHoldsNoCredential() throws Exception {
    Map<String, Object> grafana = services().get("grafana");
    List<String> volumes = strings(grafana.get("volumes"));
    Map<String, Object> providers = RuleFiles.load(Tools.grafanaDir().resolve("provisioning/dashboards/churnwire.yml"));
    String dashboardsPath = (String) ((Map<String, Object>) ((List<Map<String, Object>>) providers.get("providers"))
        .getFirst().get("options")).get("path");
    Map<String, Object> dataSources = RuleFiles.load(Tools.grafanaDir().resolve("provisioning/datasources/prometheus.yml"));
    URI url = URI.create((String) ((List<Map<String, Object>>) dataSources.get("datasources")).getFirst().get("url"));
    Map<String, Object> environment = (Map<String, Object>) grafana.get("environment");

    assertTrue(volumes.contains("./observability/grafana/provisioning:/etc/grafana/provisioning:ro"), volumes::toString);
    assertTrue(volumes.contains("./observability/grafana/dashboards:" + dashboardsPath + ":ro"), volumes::toString);
    assertTrue(services().containsKey(url.getHost()), "data source host " + url.getHost());
    assertEquals(Boolean.TRUE, grafana.get("read_only"));
    assertEquals("Viewer", environment.get("GF_AUTH_ANONYMOUS_ORG_ROLE"));
    assertEquals("true", environment.get("GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION"));
    assertFalse(environment.keySet().stream().anyMatch(key -> key.contains("PASSWORD")), environment::toString);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws Exception {
    return (Map<String, Map<String, Object>>) RuleFiles.load(Tools.root().resolve("docker-compose.yml")).get("services");
  }

  private static List<String> strings(Object value) {
    return value instanceof List<?> items ? items.stream().map(String::valueOf).toList() : List.of();
  }
}
