package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.telemetry.LogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {

  @Test
  void defaults_roundTripThroughProperties() {
    var defaults = BridgeConfig.defaults();

    assertEquals(defaults, BridgeConfig.fromProperties(defaults.toProperties()));
    assertEquals("churn.requests", defaults.requestTopic());
    assertEquals("churn.predictions", defaults.responseTopic());
    assertEquals("churn.requests.dlq", defaults.deadLetterTopic());
  }

  @Test
  void resolve_mapsUpperSnakeCaseVariables() {
    var config = BridgeConfig.resolve(new String[0], Map.of(
        "CHURNWIRE_BRIDGE_MAX_IN_FLIGHT", "64",
        "CHURNWIRE_BRIDGE_SERVER_TARGET", "scoring:50051",
        "UNRELATED", "x"));

    assertEquals(64, config.maxInFlight());
    assertEquals("scoring:50051", config.serverTarget());
  }

  @Test
  void resolve_flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bridge.properties"), """
        churnwire.bridge.group-id=from-file
        churnwire.bridge.client-id=from-file
        churnwire.bridge.commit-interval-ms=250
        """);
    Map<String, String> environment = Map.of(
        "CHURNWIRE_BRIDGE_CONFIG", file.toString(),
        "CHURNWIRE_BRIDGE_GROUP_ID", "from-env",
        "CHURNWIRE_BRIDGE_CLIENT_ID", "from-env");

    var config = BridgeConfig.resolve(new String[] {"--client-id", "from-flag"}, environment);

    assertEquals("from-flag", config.clientId());
    assertEquals("from-env", config.groupId());
    assertEquals(Duration.ofMillis(250), config.commitInterval());
  }

  @Test
  void fromProperties_misspeltKey_isRejectedByName() {
    var properties = new Properties();
    properties.setProperty("churnwire.bridge.max-inflight", "10");

    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromProperties(properties));

    assertEquals("unknown setting 'churnwire.bridge.max-inflight'", error.getMessage());
  }

  @Test
  void resolve_unknownFlag_isRejectedByName() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--max-inflight=10"}, Map.of()));

    assertEquals("unknown flag --max-inflight; see --help", error.getMessage());
  }

  @Test
  void requestTopicEqualToResponseTopic_isRejected() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.defaults().withTopics("same", "same", "dlq"));

    assertTrue(error.getMessage().startsWith("request-topic 'same' must differ"), error.getMessage());
  }

  @Test
  void outcomes_areOnByDefault_offWithAnEmptyTopic_inAGroupOfTheirOwn() {
    BridgeConfig defaults = BridgeConfig.defaults();
    BridgeConfig off = BridgeConfig.resolve(new String[] {"--outcomes-topic="}, Map.of());
    BridgeConfig small = BridgeConfig.resolve(new String[] {"--group-id", "g"},
        Map.of("CHURNWIRE_BRIDGE_OUTCOMES_BATCH_SIZE", "50"));

    assertEquals("churn.outcomes", defaults.outcomesTopic());
    assertEquals(500, defaults.outcomesBatchSize());
    assertTrue(defaults.outcomesEnabled());
    assertFalse(off.outcomesEnabled());
    assertEquals(50, small.outcomesBatchSize());
    assertEquals("g-outcomes", small.outcomesGroupId());
    assertEquals(off, BridgeConfig.fromProperties(off.toProperties()));
  }

  @Test
  void outcomesTopicEqualToAnotherTopic_orBatchAboveTheServersMaximum_isRejected() {
    var sameTopic = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.defaults().withOutcomes(BridgeConfig.defaults().deadLetterTopic(), 500));
    var tooLarge = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--outcomes-batch-size=1001"}, Map.of()));

    assertTrue(sameTopic.getMessage().startsWith("outcomes-topic 'churn.requests.dlq' must differ"),
        sameTopic.getMessage());
    assertEquals("outcomes-batch-size must be between 1 and 1000, got '1001' (from --outcomes-batch-size)",
        tooLarge.getMessage());
  }

  @Test
  void zeroMaxInFlight_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.defaults().withInFlight(0, 10));

    assertEquals("max-in-flight must be between 1 and 1000000, got '0'", error.getMessage());
  }

  @Test
  void zeroDurationFromTheEnvironment_isRejectedNamingTheSettingAndTheVariable() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[0], Map.of("CHURNWIRE_BRIDGE_RETRY_MAX_MS", "0")));

    assertEquals("retry-max-ms must be positive, got '0' (from CHURNWIRE_BRIDGE_RETRY_MAX_MS)", error.getMessage());
  }

  @Test
  void failureBounds_resolveFromFlagsAndEnvironment() {
    var config = BridgeConfig.resolve(new String[] {"--on-undeliverable=exit", "--item-max-attempts", "4"}, Map.of(
        "CHURNWIRE_BRIDGE_PRODUCE_ATTEMPTS", "7",
        "CHURNWIRE_BRIDGE_ITEM_MAX_AGE_MS", "60000",
        "CHURNWIRE_BRIDGE_MAX_BLOCK_MS", "2000"));

    assertEquals(UndeliverablePolicy.EXIT, config.onUndeliverable());
    assertEquals(4, config.itemMaxAttempts());
    assertEquals(7, config.produceAttempts());
    assertEquals(Duration.ofMinutes(1), config.itemMaxAge());
    assertEquals(Duration.ofSeconds(2), config.maxBlock());
    assertEquals(UndeliverablePolicy.PAUSE, BridgeConfig.defaults().onUndeliverable());
  }

  @Test
  void maxRequestSizeBelowOneKibibyte_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--max-request-size=100"}, Map.of()));

    assertTrue(error.getMessage().startsWith("max-request-size must be between 1024 and"), error.getMessage());
  }

  @Test
  void effectiveMaxPollRecords_neverExceedsMaxInFlight() {
    var config = BridgeConfig.defaults().withInFlight(8, 500).withCommitInterval(Duration.ofMillis(50));

    assertEquals(8, config.effectiveMaxPollRecords());
  }

  @Test
  void telemetry_defaultsToMetricsPort9465_readsTheBridgesOwnPortVariable_andSharesTheOthers() {
    var config = BridgeConfig.resolve(new String[] {"--log-format", "json"}, Map.of(
        "CHURNWIRE_METRICS_PORT", "9464",
        "CHURNWIRE_BRIDGE_METRICS_PORT", "19465",
        "CHURNWIRE_OTLP_ENDPOINT", "http://collector:4318/v1/traces"));

    assertEquals(9465, BridgeConfig.defaults().telemetry().metricsPort());
    assertEquals(19465, config.telemetry().metricsPort(), "the server's variable never moves the bridge");
    assertEquals(LogFormat.JSON, config.telemetry().logFormat());
    assertEquals(java.util.Optional.of(java.net.URI.create("http://collector:4318/v1/traces")),
        config.telemetry().otlpEndpoint());
    assertEquals(config, BridgeConfig.fromProperties(config.toProperties()));
  }

  @Test
  void metricsPortFlag_offAndFree_areAccepted_andOutOfRangeIsRejectedByName() {
    assertEquals(-1, BridgeConfig.resolve(new String[] {"--metrics-port=-1"}, Map.of()).telemetry().metricsPort());
    assertEquals(0, BridgeConfig.resolve(new String[] {"--metrics-port", "0"}, Map.of()).telemetry().metricsPort());

    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--metrics-port=70000"}, Map.of()));

    assertTrue(error.getMessage().startsWith("metrics-port must be between -1 and 65535"), error.getMessage());
  }

  @Test
  void readme_configurationTable_isTheOneRunHelpPrints() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertTrue(readme.contains(BridgeSettings.RUN.table()),
        "bridge/README.md's configuration table differs from the declarations; replace it with:\n"
            + BridgeSettings.RUN.table());
  }

  @Test
  void serverSecurity_caFileFromTheEnvironment_impliesTls_andTheTokenIsReadFromItsFile(@TempDir Path dir)
      throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), "  t0ken \n");

    var security = BridgeConfig.resolve(new String[0], Map.of(
        "CHURNWIRE_SERVER_TLS_CA_FILE", "/etc/churnwire/ca.pem",
        "CHURNWIRE_SERVER_TOKEN_FILE", tokenFile.toString())).serverSecurity();

    assertTrue(security.tls());
    assertEquals(java.util.Optional.of(Path.of("/etc/churnwire/ca.pem")), security.caFile());
    assertEquals(java.util.Optional.of("t0ken"), security.token());
    assertEquals(false, BridgeConfig.defaults().serverSecurity().tls());
  }

  @Test
  void serverCertificateWithoutKey_isRejectedNamingBoth() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> BridgeConfig.resolve(new String[] {"--server-tls-cert-file", "client.crt"}, Map.of()));

    assertTrue(error.getMessage().startsWith("server-tls-cert-file and server-tls-key-file go together"),
        error.getMessage());
  }

  @Test
  void serverTokenFromTheEnvironment_neverShowsInTheConfig() {
    var config = BridgeConfig.resolve(new String[0], Map.of("CHURNWIRE_SERVER_TOKEN", "hunter2-token"));

    assertEquals(java.util.Optional.of("hunter2-token"), config.serverSecurity().token());
    assertTrue(!config.toString().contains("hunter2"), config.toString());
  }

  @Test
  void serverTokenFileMissing_isRejectedNamingTheSetting(@TempDir Path dir) {
    var config = BridgeConfig.resolve(new String[] {"--server-token-file", dir.resolve("absent").toString()}, Map.of());

    var error = assertThrows(IllegalArgumentException.class, config::serverSecurity);

    assertTrue(error.getMessage().startsWith("server-token-file: cannot read a token from"), error.getMessage());
  }
}
