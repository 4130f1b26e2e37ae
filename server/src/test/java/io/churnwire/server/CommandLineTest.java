package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

  @Test
  void parse_withNothingGiven_usesTheEmbeddedDefaults() throws Exception {
    ServerConfig config = CommandLine.parse(new String[0], Map.of()).config().orElseThrow();

    assertEquals(ServerConfig.defaults(), config);
    assertEquals(50051, config.port());
  }

  @Test
  void parse_flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
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

    ServerConfig config = CommandLine.parse(new String[] {"--port=3333"}, environment).config().orElseThrow();

    assertEquals(3333, config.port());
    assertEquals(Path.of("/from/env"), config.modelDir());
    assertEquals(7, config.maxInFlight());
  }

  @Test
  void parse_acceptsSpaceSeparatedValuesAndAConfigFlag(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "churnwire.model.dir=/data/registry\n");

    ServerConfig config = CommandLine.parse(
        new String[] {"--config", file.toString(), "--stream-window", "5"}, Map.of()).config().orElseThrow();

    assertEquals(Path.of("/data/registry"), config.modelDir());
    assertEquals(5, config.streamWindow());
  }

  @Test
  void parse_unknownFlag_isRejectedByName() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> CommandLine.parse(new String[] {"--prot=1"}, Map.of()));

    assertEquals("unknown flag --prot; see --help", error.getMessage());
  }

  @Test
  void parse_outOfRangeValue_isRejectedNamingTheSetting() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> CommandLine.parse(new String[] {"--port=70000"}, Map.of()));

    assertEquals("port must be between 0 and 65535, got 70000", error.getMessage());
  }

  @Test
  void parse_nonNumericValue_isRejectedNamingTheSetting() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> CommandLine.parse(new String[0], Map.of("CHURNWIRE_MAX_IN_FLIGHT", "lots")));

    assertEquals("max-in-flight must be a whole number, got 'lots'", error.getMessage());
  }

  @Test
  void parse_help_listsEveryOptionWithItsVariableAndKey() throws Exception {
    CommandLine commandLine = CommandLine.parse(new String[] {"--help"}, Map.of());

    assertTrue(commandLine.config().isEmpty());
    for (ConfigOption option : ConfigOption.values()) {
      assertTrue(commandLine.helpText().contains("--" + option.flag() + "="), option.flag());
      assertTrue(commandLine.helpText().contains(option.environmentVariable()), option.flag());
      assertTrue(commandLine.helpText().contains(option.key()), option.flag());
    }
  }

  @Test
  void serverConfig_roundTripsThroughProperties() {
    ServerConfig config = ServerConfig.defaults().withPort(1234).withModelDir(Path.of("registry"));

    assertEquals(config, ServerConfig.fromProperties(config.toProperties()));
  }

  @Test
  void parse_reloadInterval_fromFlagAndRange() throws Exception {
    ServerConfig config = CommandLine.parse(new String[] {"--reload-interval-ms=250"}, Map.of()).config().orElseThrow();

    assertEquals(250, config.reloadIntervalMillis());
    assertEquals(2_000, ServerConfig.defaults().reloadIntervalMillis());
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> CommandLine.parse(new String[] {"--reload-interval-ms=-1"}, Map.of()));
    assertTrue(e.getMessage().startsWith("reload-interval-ms must be between 0 and"), e.getMessage());
  }
}
