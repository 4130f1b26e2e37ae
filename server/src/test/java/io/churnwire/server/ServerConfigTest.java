package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

  @Test
  void resolve_withNothingGiven_usesTheDeclaredDefaults() {
    ServerConfig config = ServerConfig.resolve(new String[0], Map.of());

    assertEquals(ServerConfig.defaults(), config);
    assertEquals(50051, config.port());
    assertEquals(Path.of("models", "default"), config.modelDir());
    assertEquals(2_000, config.reloadIntervalMillis());
  }

  @Test
  void defaults_connectionHygiene_areTheDocumentedOnes() {
    ServerConfig config = ServerConfig.defaults();

    assertEquals(7_200, config.keepAliveTimeSeconds());
    assertEquals(20, config.keepAliveTimeoutSeconds());
    assertEquals(10, config.permitKeepAliveTimeSeconds());
    assertEquals(false, config.permitKeepAliveWithoutCalls());
    assertEquals(900, config.maxConnectionIdleSeconds());
    assertEquals(1_800, config.maxConnectionAgeSeconds());
    assertEquals(300, config.maxConnectionAgeGraceSeconds());
    assertEquals(1_000, config.maxConnections());
    assertEquals(60_000, config.reloadRetryMillis());
  }

  @Test
  void resolve_connectionSettings_comeFromFlagsAndEnvironment() {
    ServerConfig config = ServerConfig.resolve(new String[] {"--max-connections=5",
        "--permit-keepalive-without-calls", "--keepalive-time-seconds", "60", "--reload-retry-ms=500"},
        Map.of("CHURNWIRE_MAX_CONNECTION_AGE_SECONDS", "120", "CHURNWIRE_MAX_CONNECTION_IDLE_SECONDS", "0"));

    assertEquals(5, config.maxConnections());
    assertTrue(config.permitKeepAliveWithoutCalls());
    assertEquals(60, config.keepAliveTimeSeconds());
    assertEquals(120, config.maxConnectionAgeSeconds());
    assertEquals(0, config.maxConnectionIdleSeconds());
    assertEquals(500, config.reloadRetryMillis());
    assertEquals(config, ServerConfig.fromProperties(config.toProperties()));
  }

  @Test
  void resolve_noConnectionAllowed_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--max-connections=0"}, Map.of()));

    assertEquals("max-connections must be between 1 and 1000000, got '0' (from --max-connections)",
        error.getMessage());
  }

  @Test
  void resolve_flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("churnwire.properties");
    Files.writeString(file, """
        churnwire.server.port=1111
        churnwire.scoring.max-in-flight=7
        churnwire.model.dir=/from/file
        """);
    Map<String, String> environment = Map.of(
        "CHURNWIRE_CONFIG", file.toString(),
        "CHURNWIRE_PORT", "2222",
        "CHURNWIRE_MODEL_DIR", "/from/env");

    ServerConfig config = ServerConfig.resolve(new String[] {"--port=3333"}, environment);

    assertEquals(3333, config.port());
    assertEquals(Path.of("/from/env"), config.modelDir());
    assertEquals(7, config.maxInFlight());
  }

  @Test
  void resolve_acceptsSpaceSeparatedValuesAndAConfigFlag(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "churnwire.model.dir=/data/registry\n");

    ServerConfig config = ServerConfig.resolve(
        new String[] {"--config", file.toString(), "--stream-window", "5", "--reload-interval-ms=250"}, Map.of());

    assertEquals(Path.of("/data/registry"), config.modelDir());
    assertEquals(5, config.streamWindow());
    assertEquals(250, config.reloadIntervalMillis());
  }

  @Test
  void resolve_unknownFlag_isRejectedByName() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--prot=1"}, Map.of()));

    assertEquals("unknown flag --prot; see --help", error.getMessage());
  }

  @Test
  void resolve_removedTrainingDataFlag_isUnknown() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--training-data=x.csv"}, Map.of()));

    assertEquals("unknown flag --training-data; see --help", error.getMessage());
  }

  @Test
  void resolve_outOfRangeValue_isRejectedNamingTheSettingAndTheFlag() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--port=70000"}, Map.of()));

    assertEquals("port must be between 0 and 65535, got '70000' (from --port)", error.getMessage());
  }

  @Test
  void resolve_nonNumericValue_isRejectedNamingTheSettingAndTheVariable() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[0], Map.of("CHURNWIRE_MAX_IN_FLIGHT", "lots")));

    assertEquals("max-in-flight must be a whole number, got 'lots' (from CHURNWIRE_MAX_IN_FLIGHT)",
        error.getMessage());
  }

  @Test
  void resolve_misspeltKeyInTheFile_isRejectedByName(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.properties"), "churnwire.server.prot=1\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--config=" + file}, Map.of()));

    assertEquals("unknown setting 'churnwire.server.prot' in " + file, error.getMessage());
  }

  @Test
  void constructor_valueOutOfItsDeclaredRange_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.defaults().withReloadIntervalMillis(-1));

    assertEquals("reload-interval-ms must be between 0 and 86400000, got '-1'", error.getMessage());
  }

  @Test
  void resolve_securitySettings_comeFromFlagsAndEnvironment() {
    ServerConfig config = ServerConfig.resolve(new String[] {"--tls-cert-file=/pki/server.crt",
        "--tls-key-file", "/pki/server.key", "--admin-port=6000", "--tls-reload-interval-seconds=5"},
        Map.of("CHURNWIRE_TLS_CLIENT_CA_FILE", "/pki/clients.pem", "CHURNWIRE_AUTH_TOKENS_FILE", "/etc/tokens",
            "CHURNWIRE_ADMIN_HOST", "0.0.0.0"));

    assertTrue(config.tls());
    assertEquals(java.util.Optional.of(Path.of("/pki/server.key")), config.tlsKeyFile());
    assertEquals(java.util.Optional.of(Path.of("/pki/clients.pem")), config.tlsClientCaFile());
    assertEquals(java.util.Optional.of(Path.of("/etc/tokens")), config.authTokensFile());
    assertEquals(5, config.tlsReloadIntervalSeconds());
    assertEquals("0.0.0.0", config.adminHost());
    assertEquals(6000, config.adminPort());
    assertEquals(config, ServerConfig.fromProperties(config.toProperties()));
  }

  @Test
  void defaults_runOpenAndPlaintext_withTheAdminPortOnThisHost() {
    ServerConfig config = ServerConfig.defaults();

    assertEquals(false, config.tls());
    assertEquals(java.util.Optional.empty(), config.authTokensFile());
    assertEquals("127.0.0.1", config.adminHost());
    assertEquals(50052, config.adminPort());
  }

  @Test
  void resolve_certificateWithoutItsKey_isRejectedNamingBoth() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--tls-cert-file=/pki/server.crt"}, Map.of()));

    assertEquals("tls-cert-file and tls-key-file must be given together (TLS needs both the certificate and its"
        + " key)", error.getMessage());
  }

  @Test
  void resolve_clientCaWithoutTls_isRejected() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--tls-client-ca-file=/pki/ca.pem"}, Map.of()));

    assertEquals("tls-client-ca-file needs TLS: give tls-cert-file and tls-key-file too", error.getMessage());
  }

  @Test
  void serverConfig_roundTripsThroughProperties() {
    ServerConfig config = ServerConfig.defaults().withPort(1234).withModelDir(Path.of("registry"));

    assertEquals(config, ServerConfig.fromProperties(config.toProperties()));
    assertEquals("1234", config.toProperties().getProperty("churnwire.server.port"));
  }

  @Test
  void defaults_monitoring_areTheDocumentedOnes() {
    MonitoringConfig monitoring = ServerConfig.defaults().monitoring();

    assertEquals(java.time.Duration.ofDays(90), monitoring.outcomeHorizon());
    assertEquals(1_000, monitoring.outcomesMaxBatch());
    assertEquals(java.time.Duration.ofHours(24), monitoring.driftWindow());
    assertEquals(new io.churnwire.monitoring.DriftOptions(0.1, 0.25, 0.5), monitoring.driftOptions());
    assertEquals(60, monitoring.refreshSeconds());
  }

  @Test
  void resolve_monitoringSettings_comeFromFlagsAndEnvironment_andRoundTrip() {
    ServerConfig config = ServerConfig.resolve(new String[] {"--outcome-horizon-days=30", "--drift-psi-threshold",
        "0.3", "--monitoring-refresh-seconds=0"}, Map.of("CHURNWIRE_DRIFT_FEATURE_SHARE", "0.25",
        "CHURNWIRE_OUTCOMES_MAX_BATCH", "50"));

    assertEquals(new MonitoringConfig(30, 50, 24, 0.1, 0.3, 0.25, 0), config.monitoring());
    assertEquals(config, ServerConfig.fromProperties(config.toProperties()));
    assertEquals(config.monitoring(), config.withPort(0).monitoring(), "rebuilding keeps the monitoring settings");
  }

  @Test
  void resolve_moderatePsiAboveTheDriftedOne_isRejectedNamingBoth() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--drift-moderate-psi=0.5"}, Map.of()));

    assertEquals("drift-moderate-psi (0.5) must not exceed drift-psi-threshold (0.25)", error.getMessage());
  }

  @Test
  void resolve_badMonitoringValues_areRejectedNamingTheSetting() {
    var share = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--drift-feature-share=1.5"}, Map.of()));
    var horizon = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[] {"--outcome-horizon-days=0"}, Map.of()));
    var refresh = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.resolve(new String[0], Map.of("CHURNWIRE_MONITORING_REFRESH_SECONDS", "soon")));

    assertTrue(share.getMessage().startsWith("drift-feature-share must be above 0 and at most 1, got '1.5'"),
        share.getMessage());
    assertTrue(horizon.getMessage().startsWith("outcome-horizon-days must be between 1 and 3650, got '0'"),
        horizon.getMessage());
    assertTrue(refresh.getMessage().contains("monitoring-refresh-seconds"), refresh.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MonitoringConfig(90, 0, 24, 0.1, 0.25, 0.5, 60));
  }

  @Test
  void help_listsEveryFlagWithItsVariableAndKey() {
    String help = ServerSettings.ALL.help();

    assertTrue(help.startsWith("Usage: churnwire-server [--config=<file>]"), help);
    assertTrue(help.contains("CHURNWIRE_CONFIG"), help);
    for (var setting : ServerSettings.ALL.settings()) {
      assertTrue(help.contains("| `" + setting.flag() + "` | `" + setting.environmentVariable() + "` | `"
          + setting.key() + "` |"), setting.name());
    }
  }

  @Test
  void readme_configurationTable_isTheOneHelpPrints() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));

    assertTrue(readme.contains(ServerSettings.ALL.table()),
        "README.md's configuration table differs from the declarations; replace it with:\n"
            + ServerSettings.ALL.table());
  }
}
