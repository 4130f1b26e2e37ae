package io.churnwire.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code scripts/envoy.sh} renders {@code envoy/envoy.yaml} with the TLS blocks it is asked for and
 * no others, into a configuration the real Envoy accepts ({@code --mode validate}), and refuses
 * inconsistent TLS options naming the option before Envoy starts.
 */
class EnvoyScriptIT {
  private static Path workDir;
  private static TestCertificates authority;
  private static TestCertificates.Issued certificate;

  /** What a run of the script left: its exit code, its output and the configuration it wrote. */
  private record Run(int exitCode, String output, Path config) {
    Map<String, Object> yaml() throws IOException {
      return map(new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(Files.readString(config, StandardCharsets.UTF_8)));
    }
  }

  @BeforeAll
  static void certificates() throws IOException {
    workDir = Files.createTempDirectory("churnwire-envoy-script-it");
    authority = TestCertificates.authority(workDir.resolve("pki"), "script-ca");
    certificate = authority.server("rest");
  }

  @AfterAll
  static void cleanUp() {
    if (workDir != null) {
      RestGateway.deleteTree(workDir);
    }
  }

  @Test
  void withoutTlsOptions_rendersPlaintextOnly_withTheAdminApiOnLoopback() throws Exception {
    Run run = validate("plain");

    assertEquals(0, run.exitCode(), run::output);
    String rendered = Files.readString(run.config(), StandardCharsets.UTF_8);
    assertFalse(rendered.contains("transport_socket"), rendered);
    assertEquals("127.0.0.1", path(run.yaml(), "admin", "address", "socket_address", "address"));
  }

  @Test
  void withEveryTlsOption_rendersListenerMutualTlsAndUpstreamMutualTls_thatEnvoyAccepts() throws Exception {
    Run run = validate("every-option",
        "--upstream=churnwire-server:50051",
        "--tls-cert-file=" + certificate.certificate(),
        "--tls-key-file=" + certificate.key(),
        "--tls-client-ca-file=" + authority.caFile(),
        "--upstream-tls-ca-file=" + authority.caFile(),
        "--upstream-tls-cert-file=" + certificate.certificate(),
        "--upstream-tls-key-file=" + certificate.key());

    assertEquals(0, run.exitCode(), run::output);
    Map<String, Object> listenerTls = typedConfig(first(path(run.yaml(), "static_resources", "listeners")),
        "filter_chains");
    assertEquals(Boolean.TRUE, listenerTls.get("require_client_certificate"));
    Map<String, Object> listenerContext = map(path(listenerTls, "common_tls_context"));
    assertEquals(Map.of("certificate_chain", Map.of("filename", certificate.certificate().toString()),
            "private_key", Map.of("filename", certificate.key().toString())),
        path(secret(first(listenerContext.get("tls_certificate_sds_secret_configs"))), "tls_certificate"));
    assertEquals(Map.of("trusted_ca", Map.of("filename", authority.caFile().toString())),
        path(secret(map(listenerContext.get("validation_context_sds_secret_config"))), "validation_context"));
    Map<String, Object> cluster = first(path(run.yaml(), "static_resources", "clusters"));
    Map<String, Object> upstreamTls = map(path(cluster, "transport_socket", "typed_config"));
    assertEquals("churnwire-server", upstreamTls.get("sni"));
    Map<String, Object> upstreamContext = map(path(upstreamTls, "common_tls_context"));
    Map<String, Object> san = first(path(upstreamContext, "combined_validation_context",
        "default_validation_context", "match_typed_subject_alt_names"));
    assertEquals("DNS", san.get("san_type"));
    assertEquals(Map.of("exact", "churnwire-server"), san.get("matcher"));
    assertEquals(Map.of("trusted_ca", Map.of("filename", authority.caFile().toString())),
        path(secret(map(path(upstreamContext, "combined_validation_context",
            "validation_context_sds_secret_config"))), "validation_context"));
    assertEquals(certificate.certificate().toString(), path(secret(first(
        upstreamContext.get("tls_certificate_sds_secret_configs"))), "tls_certificate", "certificate_chain", "filename"));
  }

  @Test
  void upstreamTlsToAnIpAddress_verifiesTheIpSubjectAlternativeName_withoutSni() throws Exception {
    Run run = validate("ip-upstream", "--upstream-tls-ca-file=" + authority.caFile());

    assertEquals(0, run.exitCode(), run::output);
    Map<String, Object> cluster = first(path(run.yaml(), "static_resources", "clusters"));
    Map<String, Object> upstreamTls = map(path(cluster, "transport_socket", "typed_config"));
    assertFalse(upstreamTls.containsKey("sni"), upstreamTls::toString);
    Map<String, Object> san = first(path(upstreamTls, "common_tls_context", "combined_validation_context",
        "default_validation_context", "match_typed_subject_alt_names"));
    assertEquals("IP_ADDRESS", san.get("san_type"));
    assertEquals(Map.of("exact", "127.0.0.1"), san.get("matcher"));
    assertFalse(path(upstreamTls, "common_tls_context") instanceof Map<?, ?> context
        && context.containsKey("tls_certificates"), upstreamTls::toString);
  }

  @Test
  void httpUpstream_servesTheConsoleAndDocsRoutes_overPlainHttp_evenWithTlsToTheGrpcServer() throws Exception {
    Run run = validate("http-upstream", "--http-upstream=churnwire-server:9464",
        "--upstream-tls-ca-file=" + authority.caFile());

    assertEquals(0, run.exitCode(), run::output);
    Map<String, Object> cluster = cluster(run.yaml(), "churnwire_http");
    Map<String, Object> endpoint = first(path(first(path(cluster, "load_assignment", "endpoints")), "lb_endpoints"));
    assertEquals(Map.of("address", "churnwire-server", "port_value", 9464),
        path(endpoint, "endpoint", "address", "socket_address"));
    assertFalse(cluster.containsKey("transport_socket"), cluster::toString);
    assertTrue(cluster(run.yaml(), "churnwire_grpc").containsKey("transport_socket"));
    Map<String, String> clusterOfPrefix = new HashMap<>();
    for (Object route : (List<?>) path(first(path(httpConnectionManager(run.yaml()), "route_config", "virtual_hosts")),
        "routes")) {
      Map<String, Object> match = map(path(route, "match"));
      if (match.containsKey("prefix") && map(route).containsKey("route")) {
        clusterOfPrefix.put((String) match.get("prefix"), (String) path(route, "route", "cluster"));
      }
    }
    assertEquals("churnwire_http", clusterOfPrefix.get("/console/"));
    assertEquals("churnwire_http", clusterOfPrefix.get("/docs/"));
    assertEquals("churnwire_grpc", clusterOfPrefix.get("/churnwire.v1.ChurnMonitoringService/"));
    assertFalse(clusterOfPrefix.containsKey("/metrics"), clusterOfPrefix::toString);
  }

  @Test
  void withoutHttpUpstream_theConsoleComesFromTheDefaultMetricsPort() throws Exception {
    Run run = validate("default-http-upstream");

    assertEquals(0, run.exitCode(), run::output);
    Map<String, Object> endpoint = first(path(first(path(cluster(run.yaml(), "churnwire_http"),
        "load_assignment", "endpoints")), "lb_endpoints"));
    assertEquals(Map.of("address", "127.0.0.1", "port_value", 9464),
        path(endpoint, "endpoint", "address", "socket_address"));
  }

  @Test
  void inconsistentOptions_areRefusedNamingTheOption_beforeEnvoyStarts() throws Exception {
    Map<List<String>, String> refusals = Map.of(
        List.of("--tls-cert-file=" + certificate.certificate()), "--tls-cert-file needs --tls-key-file",
        List.of("--tls-client-ca-file=" + authority.caFile()), "--tls-client-ca-file needs --tls-cert-file",
        List.of("--upstream-tls-cert-file=" + certificate.certificate(), "--upstream-tls-key-file=" + certificate.key()),
        "need --upstream-tls-ca-file",
        List.of("--upstream-tls-ca-file=" + workDir.resolve("missing.pem")),
        "--upstream-tls-ca-file: no readable file at " + workDir.resolve("missing.pem"),
        List.of("--http-upstream=9464"), "--http-upstream must be HOST:PORT, got '9464'",
        List.of("--http-upstream=127.0.0.1:console"), "'console' is not a port number");

    for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
      Run run = validate("refused", refusal.getKey().toArray(String[]::new));

      assertEquals(2, run.exitCode(), () -> refusal.getKey() + ": " + run.output());
      assertTrue(run.output().contains(refusal.getValue()), () -> refusal.getKey() + ": " + run.output());
      assertFalse(run.output().contains("configuration '"), run::output);
    }
  }

  private static Run validate(String name, String... options) throws IOException, InterruptedException {
    Path directory = Files.createDirectories(workDir.resolve(name));
    Path config = directory.resolve("envoy.yaml");
    Path output = directory.resolve("output.txt");
    List<String> command = new ArrayList<>(List.of("bash", Tools.root().resolve("scripts/envoy.sh").toString(),
        "--admin-port=0", "--rest-port=0", "--config-file=" + config));
    command.addAll(List.of(options));
    command.addAll(List.of("--", "--mode", "validate"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("ENVOY", Tools.envoy().toString());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      throw new AssertionError("scripts/envoy.sh did not finish: " + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), config);
  }

  /** The one secret of the SDS file that {@code sdsSecretConfig} names, checked to carry that name. */
  private static Map<String, Object> secret(Map<String, Object> sdsSecretConfig) {
    Path file = Path.of((String) path(sdsSecretConfig, "sds_config", "path_config_source", "path"));
    try {
      Map<String, Object> secret = first(path(map(new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(Files.readString(file, StandardCharsets.UTF_8))), "resources"));
      assertEquals(sdsSecretConfig.get("name"), secret.get("name"), file::toString);
      return secret;
    } catch (IOException e) {
      throw new AssertionError("cannot read the SDS file " + file, e);
    }
  }

  private static Map<String, Object> cluster(Map<String, Object> yaml, String name) {
    for (Object cluster : (List<?>) path(yaml, "static_resources", "clusters")) {
      if (name.equals(map(cluster).get("name"))) {
        return map(cluster);
      }
    }
    throw new AssertionError("no cluster " + name + " in " + yaml);
  }

  private static Map<String, Object> httpConnectionManager(Map<String, Object> yaml) {
    Map<String, Object> listener = first(path(yaml, "static_resources", "listeners"));
    return map(path(first(path(first(listener.get("filter_chains")), "filters")), "typed_config"));
  }

  private static Map<String, Object> typedConfig(Map<String, Object> listener, String chains) {
    return map(path(first(listener.get(chains)), "transport_socket", "typed_config"));
  }

  private static Object path(Object node, String... keys) {
    Object current = node;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
        throw new AssertionError("no " + String.join(".", keys) + " (stopped at " + key + ") in " + node);
      }
      current = map.get(key);
    }
    return current;
  }

  private static Map<String, Object> first(Object list) {
    if (!(list instanceof List<?> items) || items.isEmpty()) {
      throw new AssertionError("not a non-empty list: " + list);
    }
    return map(items.get(0));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    if (!(node instanceof Map<?, ?>)) {
      throw new AssertionError("not a mapping: " + node);
    }
    return (Map<String, Object>) node;
  }
}
