package io.churnwire.config;

import static io.churnwire.config.DemoSettings.DEMO;
import static io.churnwire.config.DemoSettings.NAME;
import static io.churnwire.config.DemoSettings.PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Value-less switches, aliases and a properties file shared by several commands. */
class SharedSettingsTest {
  private static final Setting<Boolean> VERBOSE =
      Setting.of("verbose", "demo.client.verbose", ValueType.BOOLEAN, false, "say more");

  private static final Settings CLIENT =
      Settings.of("demo-client", "Calls the demo.", "DEMO_CONFIG", PORT, VERBOSE).alias("server-port", PORT);

  @Test
  void booleanFlagAlone_meansTrue_withoutTakingTheNextArgument() {
    Values values = CLIENT.resolve(new String[] {"--verbose", "--port", "7"}, Map.of());

    assertTrue(values.get(VERBOSE));
    assertEquals(7, values.get(PORT));
  }

  @Test
  void booleanFlagWithAValue_takesIt() {
    Values values = CLIENT.resolve(new String[] {"--verbose=false"}, Map.of("DEMO_CLIENT_VERBOSE", "true"));

    assertFalse(values.get(VERBOSE));
  }

  @Test
  void alias_setsItsSetting_andErrorsNameTheFlagAsGiven() {
    assertEquals(9, CLIENT.resolve(new String[] {"--server-port=9"}, Map.of()).get(PORT));

    var error = assertThrows(IllegalArgumentException.class,
        () -> CLIENT.resolve(new String[] {"--server-port=x"}, Map.of()));
    assertEquals("port must be a whole number, got 'x' (from --server-port)", error.getMessage());
  }

  @Test
  void alias_isListedBesideTheFlagInTheTable() {
    assertTrue(CLIENT.table().contains("| `--port`, `--server-port` | `DEMO_PORT` |"), CLIENT.table());
  }

  @Test
  void alias_ofASettingNotDeclared_isRejected() {
    var error = assertThrows(IllegalArgumentException.class, () -> CLIENT.alias("label", NAME));

    assertEquals("demo-client: alias --label names name, which is not one of its settings", error.getMessage());
  }

  @Test
  void alias_clashingWithAFlag_isRejected() {
    var error = assertThrows(IllegalArgumentException.class, () -> CLIENT.alias("verbose", PORT));

    assertEquals("demo-client: '--verbose' is declared twice", error.getMessage());
  }

  @Test
  void sharedFile_keysOfTheOtherCommands_areIgnored_misspeltOnesStillRejected() {
    Settings shared = CLIENT.sharingFileWith(DEMO);
    var properties = new Properties();
    properties.setProperty("demo.server.name", "other");
    properties.setProperty("demo.client.verbose", "true");

    assertTrue(shared.fromProperties(properties).get(VERBOSE));
    properties.setProperty("demo.client.verbos", "true");
    var error = assertThrows(IllegalArgumentException.class, () -> shared.fromProperties(properties));
    assertEquals("unknown setting 'demo.client.verbos'", error.getMessage());
  }
}
