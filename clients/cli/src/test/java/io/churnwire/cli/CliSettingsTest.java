package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The subcommands' settings, their help and their README tables; no server needed. */
class CliSettingsTest {

  @Test
  void target_comesFromChurnwireTarget_unlessTheFlagSaysOtherwise() {
    Map<String, String> environment = Map.of("CHURNWIRE_TARGET", "scoring:50051");

    assertEquals("scoring:50051", CliSettings.PREDICT.resolve(new String[0], environment).get(CliSettings.TARGET));
    assertEquals("other:1",
        CliSettings.LOAD.resolve(new String[] {"--target", "other:1"}, environment).get(CliSettings.TARGET));
  }

  @Test
  void connectionSettings_haveVariablesOfTheirOwn() {
    var values = CliSettings.METADATA.resolve(new String[0],
        Map.of("CHURNWIRE_CLI_MAX_ATTEMPTS", "2", "CHURNWIRE_CLI_TIMEOUT", "250ms"));

    assertEquals(2, values.get(CliSettings.MAX_ATTEMPTS));
    assertEquals(Duration.ofMillis(250), values.get(CliSettings.TIMEOUT));
  }

  @Test
  void load_seedLeftOut_isRandom_andQuietNeedsNoValue() {
    var values = CliSettings.LOAD.resolve(new String[] {"--quiet", "--max-delay", "0ms"}, Map.of());

    assertEquals(Optional.empty(), values.get(CliSettings.SEED));
    assertTrue(values.get(CliSettings.QUIET));
    assertEquals(Duration.ZERO, values.get(CliSettings.MAX_DELAY));
  }

  @Test
  void oneFile_configuresEverySubcommand() {
    var properties = new Properties();
    properties.setProperty("churnwire.cli.timeout", "2s");
    properties.setProperty("churnwire.cli.requests", "10");

    assertEquals(Duration.ofSeconds(2), CliSettings.PREDICT.fromProperties(properties).get(CliSettings.TIMEOUT));
    assertEquals(10, CliSettings.LOAD.fromProperties(properties).get(CliSettings.REQUESTS));
  }

  @Test
  void badTimeout_isRefusedNamingTheFlag() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> CliSettings.PREDICT.resolve(new String[] {"--timeout=soon"}, Map.of()));

    assertEquals("timeout must be a duration such as 250ms, 5s or 2m, got 'soon' (from --timeout)",
        error.getMessage());
  }

  @Test
  void help_listsTheSettingsBelowTheOptions() {
    StringWriter out = new StringWriter();

    int exitCode = ChurnCli.commandLine().setOut(new PrintWriter(out, true)).execute("load", "--help");

    assertEquals(0, exitCode);
    assertTrue(out.toString().contains("--quiet"), out::toString);
    assertTrue(out.toString().contains("CHURNWIRE_CLI_CONFIG"), out::toString);
    assertTrue(out.toString().contains(CliSettings.LOAD.table()), out::toString);
  }

  @Test
  void stats_timeRange_isReadAsRfc3339WithAnOffset() {
    var values = CliSettings.STATS.resolve(
        new String[] {"--start-time=2026-12-01T01:00:00+01:00", "--end-time", "2026-12-02T00:00:00.250Z"}, Map.of());

    assertEquals(Optional.of(Instant.parse("2026-12-01T00:00:00Z")), values.get(CliSettings.START_TIME));
    assertEquals(Optional.of(Instant.parse("2026-12-02T00:00:00.250Z")), values.get(CliSettings.END_TIME));
  }

  @Test
  void stats_timeThatIsNotRfc3339_isRefusedNamingTheFlag() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> CliSettings.STATS.resolve(new String[] {"--start-time=yesterday"}, Map.of()));

    assertTrue(error.getMessage().contains("--start-time"), error::getMessage);
    assertTrue(error.getMessage().contains("RFC 3339"), error::getMessage);
  }

  @Test
  void unknownFlag_isAUsageErrorNamingIt() {
    StringWriter err = new StringWriter();

    int exitCode = ChurnCli.commandLine().setErr(new PrintWriter(err, true)).execute("metadata", "--tagret=x");

    assertEquals(ChurnCli.EXIT_INVALID, exitCode);
    assertTrue(err.toString().contains("unknown flag --tagret"), err::toString);
  }

  @Test
  void readme_showsTheTablesHelpPrints() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertEquals(CliSettings.PREDICT.table(), CliSettings.METADATA.table());
    assertTrue(readme.contains(CliSettings.PREDICT.table()),
        "clients/cli/README.md's table of predict and metadata differs; use:\n" + CliSettings.PREDICT.table());
    assertTrue(readme.contains(CliSettings.LOAD.table()),
        "clients/cli/README.md's table of load differs; use:\n" + CliSettings.LOAD.table());
    assertTrue(readme.contains(CliSettings.STATS.table()),
        "clients/cli/README.md's table of stats differs; use:\n" + CliSettings.STATS.table());
  }
}
