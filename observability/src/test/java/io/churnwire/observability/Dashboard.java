package io.churnwire.observability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A Grafana dashboard JSON file and the PromQL of its panels, with Grafana's built-in interval
 * variables replaced by durations so Prometheus can evaluate each expression as it stands.
 */
record Dashboard(Path file, JsonNode json) {
  /** The built-in variables the dashboards use, and what the tests put in their place. */
  static final Map<String, String> VARIABLES = Map.of(
      "$__rate_interval", "1m",
      "$__interval", "15s",
      "$__range", "5m");

  private static final Pattern METRIC_NAME = Pattern.compile(
      "\\b((?:churnwire|grpc_server|jvm|process)_[a-z0-9_]+|[a-z_]+:[a-z0-9_]+:[a-z0-9_]+|up)\\b(?!\\s*\\()");

  /** One panel query. */
  record Query(String panel, String refId, String expr) {
    /** The expression with {@link #VARIABLES} substituted. */
    String promql() {
      String promql = expr;
      for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
        promql = promql.replace(variable.getKey(), variable.getValue());
      }
      return promql;
    }

    /**
     * The metric and recorded series names the expression reads, histogram series by their
     * {@code _bucket} name, found by their prefixes (label values in quotes are skipped).
     */
    Set<String> metricNames() {
      Matcher names = METRIC_NAME.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
      Set<String> found = new TreeSet<>();
      while (names.find()) {
        found.add(names.group(1));
      }
      return found;
    }
  }

  static Dashboard read(Path file) throws IOException {
    return new Dashboard(file, new ObjectMapper().readTree(file.toFile()));
  }

  /** The dashboard {@code fileName} of {@code observability/grafana/dashboards}. */
  static Dashboard named(String fileName) throws IOException {
    return read(Tools.grafanaDir().resolve("dashboards").resolve(fileName));
  }

  /** Every dashboard JSON file in {@code observability/grafana/dashboards}. */
  static List<Dashboard> shipped() throws IOException {
    List<Dashboard> dashboards = new ArrayList<>();
    try (var files = java.nio.file.Files.list(Tools.grafanaDir().resolve("dashboards"))) {
      for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
        dashboards.add(read(file));
      }
    }
    return dashboards;
  }

  /** Every panel, rows' collapsed panels included, rows themselves excluded. */
  List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : json.path("panels")) {
      if (!"row".equals(panel.path("type").asString())) {
        panels.add(panel);
      }
      for (JsonNode nested : panel.path("panels")) {
        panels.add(nested);
      }
    }
    return panels;
  }

  /** Every query of every panel. */
  List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new Query(panel.path("title").asString(), target.path("refId").asString(),
            target.path("expr").asString()));
      }
    }
    return queries;
  }
}
