package io.churnwire.config;

import static io.churnwire.config.DemoSettings.DEMO;
import static io.churnwire.config.DemoSettings.NAME;
import static io.churnwire.config.DemoSettings.PORT;
import static io.churnwire.config.DemoSettings.TIMEOUT;
import static io.churnwire.config.DemoSettings.WORKERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void configFile_isTheLastConfigFlagInEitherForm_elseTheVariable_andSkipsOtherFlagsValues() {
    Map<String, String> environment = Map.of("DEMO_CONFIG", "from-env.properties");

    assertEquals(java.util.Optional.of(Path.of("from-env.properties")),
        DEMO.configFile(new String[] {"--port", "1"}, environment));
    assertEquals(java.util.Optional.of(Path.of("b.properties")),
        DEMO.configFile(new String[] {"--config", "a.properties", "--port", "1", "--config=b.properties"}, environment));
    assertEquals(java.util.Optional.empty(), DEMO.configFile(new String[] {"--port=1"}, Map.of()));
  }

  @Test
  void resolve_withNothingGiven_isTheDefaults() {
    Values values = DEMO.resolve(new String[0], Map.of());

    assertEquals(8080, values.get(PORT));
    assertEquals("demo", values.get(NAME));
    assertEquals(Duration.ofSeconds(1), values.get(TIMEOUT));
  }

  @Test
  void resolve_flagBeatsEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo.properties");
    Files.writeString(file, """
        demo.server.port=1111
        demo.server.name=from-file
        demo.client.timeout-ms=300
        """);
    Map<String, String> environment = Map.of(
        "DEMO_CONFIG", file.toString(),
        "DEMO_PORT", "2222",
        "DEMO_SERVER_NAME", "from-env");

    Values values = DEMO.resolve(new String[] {"--port=3333"}, environment);

    assertEquals(3333, values.get(PORT));
    assertEquals("from-env", values.get(NAME));
    assertEquals(Duration.ofMillis(300), values.get(TIMEOUT));
    assertEquals(4, values.get(WORKERS));
  }

  @Test
  void resolve_configFlag_beatsTheConfigVariable(@TempDir Path dir) throws Exception {
    Path chosen = Files.writeString(dir.resolve("chosen.properties"), "demo.server.name=chosen\n");
    Path ignored = Files.writeString(dir.resolve("ignored.properties"), "demo.server.name=ignored\n");

    Values values = DEMO.resolve(new String[] {"--config", chosen.toString()}, Map.of("DEMO_CONFIG", ignored.toString()));

    assertEquals("chosen", values.get(NAME));
  }

  @Test
  void resolve_acceptsAValueAfterTheFlag_andStripsIt() {
    Values values = DEMO.resolve(new String[] {"--name", " spaced ", "--timeout-ms", "20"}, Map.of());

    assertEquals("spaced", values.get(NAME));
    assertEquals(Duration.ofMillis(20), values.get(TIMEOUT));
  }

  @Test
  void resolve_blankEnvironmentVariable_countsAsUnset() {
    Values values = DEMO.resolve(new String[0], Map.of("DEMO_PORT", " ", "DEMO_CONFIG", ""));

    assertEquals(8080, values.get(PORT));
  }

  @Test
  void resolve_unknownFlag_isRejectedByName() {
    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.resolve(new String[] {"--prot=1"}, Map.of()));

    assertEquals("unknown flag --prot; see --help", error.getMessage());
  }

  @Test
  void resolve_argumentThatIsNoFlag_isRejected() {
    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.resolve(new String[] {"8080"}, Map.of()));

    assertEquals("unexpected argument '8080'; see --help", error.getMessage());
  }

  @Test
  void resolve_lastFlagWithoutValue_isRejected() {
    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.resolve(new String[] {"--port"}, Map.of()));

    assertEquals("flag --port needs a value; see --help", error.getMessage());
  }

  @Test
  void resolve_badValue_namesTheSettingAndTheVariableThatGaveIt() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> DEMO.resolve(new String[0], Map.of("DEMO_PORT", "lots")));

    assertEquals("port must be a whole number, got 'lots' (from DEMO_PORT)", error.getMessage());
  }

  @Test
  void resolve_badValueInTheFile_namesTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("demo.properties"), "demo.client.timeout-ms=0\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> DEMO.resolve(new String[] {"--config=" + file}, Map.of()));

    assertEquals("timeout-ms must be positive, got '0' (from demo.client.timeout-ms in " + file + ")",
        error.getMessage());
  }

  @Test
  void resolve_missingConfigFile_isRejectedNamingIt(@TempDir Path dir) {
    Path file = dir.resolve("absent.properties");

    var error = assertThrows(IllegalArgumentException.class,
        () -> DEMO.resolve(new String[0], Map.of("DEMO_CONFIG", file.toString())));

    assertEquals("cannot read config file " + file + " (NoSuchFileException)", error.getMessage());
  }

  @Test
  void resolve_leavesHelpFlagsToHelpRequested() {
    String[] args = {"--port=1", "--help"};

    Values values = DEMO.resolve(args, Map.of());

    assertEquals(1, values.get(PORT));
    assertTrue(DEMO.helpRequested(args));
    assertTrue(DEMO.helpRequested(new String[] {"-h"}));
    assertFalse(DEMO.helpRequested(new String[] {"--port=1"}));
  }

  @Test
  void fromProperties_misspeltKeyBesideTheSettings_isRejected() {
    var properties = new Properties();
    properties.setProperty("demo.server.prot", "1");

    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.fromProperties(properties));

    assertEquals("unknown setting 'demo.server.prot'", error.getMessage());
  }

  @Test
  void fromProperties_keysOfOtherCommands_areIgnored() {
    var properties = new Properties();
    properties.setProperty("other.server.port", "1");
    properties.setProperty("demo.server.port", "2");

    Values values = DEMO.fromProperties(properties);

    assertEquals(2, values.get(PORT));
  }

  @Test
  void declaringOneFlagTwice_isRejected() {
    Setting<Integer> again = Setting.of("port", "demo.other.port", ValueType.INTEGER, 1, "the same flag");

    var error = assertThrows(IllegalArgumentException.class, () -> Settings.of("demo", "Twice.", "DEMO_CONFIG", PORT, again));

    assertEquals("demo: '--port' is declared twice", error.getMessage());
  }
}
