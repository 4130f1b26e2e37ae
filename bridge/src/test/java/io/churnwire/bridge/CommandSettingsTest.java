package io.churnwire.bridge;

import static io.churnwire.bridge.BridgeSettings.BOOTSTRAP_SERVERS;
import static io.churnwire.bridge.BridgeSettings.COUNT;
import static io.churnwire.bridge.BridgeSettings.CSV;
import static io.churnwire.bridge.BridgeSettings.FORMAT;
import static io.churnwire.bridge.BridgeSettings.FROM_BEGINNING;
import static io.churnwire.bridge.BridgeSettings.IDLE_EXIT_SECONDS;
import static io.churnwire.bridge.BridgeSettings.MAX;
import static io.churnwire.bridge.BridgeSettings.POISON_EVERY;
import static io.churnwire.bridge.BridgeSettings.RATE;
import static io.churnwire.bridge.BridgeSettings.READ;
import static io.churnwire.bridge.BridgeSettings.READ_DLQ_TOPIC;
import static io.churnwire.bridge.BridgeSettings.REQUEST_TOPIC;
import static io.churnwire.bridge.BridgeSettings.RESPONSE_TOPIC;
import static io.churnwire.bridge.BridgeSettings.SEED;
import static io.churnwire.bridge.BridgeSettings.SIMULATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.bridge.internal.Encoding;
import io.churnwire.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The settings of {@code simulate} and {@code read}, and how they share those of {@code run}. */
class CommandSettingsTest {

  @Test
  void simulate_acceptsTheFlagsItHadBefore_withSpaceSeparatedValues() {
    var values = SIMULATE.resolve(new String[] {"--bootstrap-servers", "kafka:9092", "--topic", "in",
        "--csv", "customers.csv", "--count", "7", "--rate", "0.5", "--format", "json", "--poison-every", "3",
        "--seed", "9"}, Map.of());

    assertEquals("kafka:9092", values.get(BOOTSTRAP_SERVERS));
    assertEquals("in", values.get(REQUEST_TOPIC));
    assertEquals(Optional.of(Path.of("customers.csv")), values.get(CSV));
    assertEquals(Optional.of(7), values.get(COUNT));
    assertEquals(0.5, values.get(RATE));
    assertEquals(Encoding.JSON, values.get(FORMAT));
    assertEquals(3, values.get(POISON_EVERY));
    assertEquals(9L, values.get(SEED));
  }

  @Test
  void simulate_readsTheKafkaSettingsFromTheVariablesRunReads() {
    var values = SIMULATE.resolve(new String[0], Map.of(
        "CHURNWIRE_BRIDGE_BOOTSTRAP_SERVERS", "kafka:9092", "CHURNWIRE_BRIDGE_REQUEST_TOPIC", "in"));

    assertEquals("kafka:9092", values.get(BOOTSTRAP_SERVERS));
    assertEquals("in", values.get(REQUEST_TOPIC));
    assertEquals(BridgeConfig.defaults().bootstrapServers(), SIMULATE.defaults().get(BOOTSTRAP_SERVERS));
  }

  @Test
  void simulate_negativeRate_isRejectedNamingTheFlag() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> SIMULATE.resolve(new String[] {"--rate=-1"}, Map.of()));

    assertEquals("rate must not be negative, got '-1.0' (from --rate)", error.getMessage());
  }

  @Test
  void read_acceptsTheFlagsItHadBefore_withFromBeginningTakingNoValue() {
    var values = READ.resolve(new String[] {"--from-beginning", "--topic", "out", "--dlq-topic", "dead",
        "--max", "10", "--idle-exit-seconds", "5", "--bootstrap-servers=kafka:9092"}, Map.of());

    assertTrue(values.get(FROM_BEGINNING));
    assertEquals("out", values.get(RESPONSE_TOPIC));
    assertEquals("dead", values.get(READ_DLQ_TOPIC));
    assertEquals(10L, values.get(MAX));
    assertEquals(5L, values.get(IDLE_EXIT_SECONDS));
    assertEquals("kafka:9092", values.get(BOOTSTRAP_SERVERS));
  }

  @Test
  void read_emptyDeadLetterTopic_skipsIt() {
    assertEquals("", READ.resolve(new String[] {"--dlq-topic="}, Map.of()).get(READ_DLQ_TOPIC));
  }

  @Test
  void oneFile_configuresEveryCommand_andAMisspeltKeyIsStillRejected() {
    var properties = new Properties();
    properties.setProperty("churnwire.bridge.group-id", "g");
    properties.setProperty("churnwire.bridge.simulate.rate", "5");
    properties.setProperty("churnwire.bridge.read.max", "3");

    assertEquals("g", BridgeConfig.fromProperties(properties).groupId());
    assertEquals(5.0, SIMULATE.fromProperties(properties).get(RATE));
    assertEquals(3L, READ.fromProperties(properties).get(MAX));
    properties.setProperty("churnwire.bridge.simulate.rat", "5");
    assertThrows(IllegalArgumentException.class, () -> SIMULATE.fromProperties(properties));
  }

  @Test
  void simulateAndRead_handEveryArgumentToTheSettingsUntouched() {
    var simulate = new CommandLine(new BridgeMain()).parseArgs("simulate", "--topic", "in", "--help");
    var read = new CommandLine(new BridgeMain()).parseArgs("read", "--from-beginning", "--max=2");

    assertEquals(List.of("--topic", "in", "--help"),
        ((SimulateCommand) simulate.subcommand().commandSpec().userObject()).args);
    assertEquals(List.of("--from-beginning", "--max=2"),
        ((ReadCommand) read.subcommand().commandSpec().userObject()).args);
  }

  @Test
  void outcomesCsv_becomesOutcomes_quotedCellsIncluded_andABadCellIsNamedByLine(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("good.csv"), OutcomesCommand.HEADER + "\n"
        + "7590-VHVEG,true,2026-11-30T12:00:00Z\n\n5575-GNVDE, false ,2026-11-29T08:30:00.5Z\n"
        + "\"3668-QPYBK, with a comma\",true,2026-11-30T12:00:00Z\n");
    Path bad = Files.writeString(dir.resolve("bad.csv"), OutcomesCommand.HEADER + "\n"
        + "7590-VHVEG,true,2026-11-30T12:00:00Z\n5575-GNVDE,yes,2026-11-29T08:30:00Z\n");

    var outcomes = OutcomesCommand.read(good);
    var error = assertThrows(IllegalArgumentException.class, () -> OutcomesCommand.read(bad));

    assertEquals(3, outcomes.size());
    assertEquals("3668-QPYBK, with a comma", outcomes.get(2).getCustomerId());
    assertEquals("7590-VHVEG", outcomes.get(0).getCustomerId());
    assertTrue(outcomes.get(0).getChurned());
    assertEquals(1_796_040_000L, outcomes.get(0).getObserveTime().getSeconds());
    assertFalse(outcomes.get(1).getChurned());
    assertTrue(outcomes.get(1).hasChurned());
    assertEquals(500_000_000, outcomes.get(1).getObserveTime().getNanos());
    assertEquals(bad + ":3: churned must be true or false, got 'yes'", error.getMessage());
  }

  @Test
  void readme_showsTheTablesSimulateAndReadHelpPrint() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    for (Settings command : List.of(SIMULATE, READ, BridgeSettings.OUTCOMES)) {
      assertTrue(readme.contains(command.table()),
          "bridge/README.md's table of " + command.command() + " differs from the declarations; use:\n"
              + command.table());
    }
  }
}
