package io.churnwire.config;

import static io.churnwire.config.DemoSettings.PORT;
import static io.churnwire.config.DemoSettings.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingTest {

  @Test
  void of_derivesTheEnvironmentVariableFromTheKey() {
    assertEquals("DEMO_CLIENT_TIMEOUT_MS", TIMEOUT.environmentVariable());
  }

  @Test
  void environment_replacesTheDerivedVariable() {
    assertEquals("DEMO_PORT", PORT.environmentVariable());
  }

  @Test
  void flag_isTheNameWithDashes() {
    assertEquals("--timeout-ms", TIMEOUT.flag());
  }

  @Test
  void parse_readsTheTextInTheFormFormatWrites() {
    Duration parsed = TIMEOUT.parse("250");

    assertEquals(Duration.ofMillis(250), parsed);
    assertEquals("250", TIMEOUT.format(parsed));
  }

  @Test
  void parse_textOfTheWrongType_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class, () -> PORT.parse("eighty"));

    assertEquals("port must be a whole number, got 'eighty'", error.getMessage());
  }

  @Test
  void parse_valueBreakingTheRule_isRejectedNamingTheSettingAndTheValue() {
    var error = assertThrows(IllegalArgumentException.class, () -> PORT.parse("70000"));

    assertEquals("port must be between 0 and 65535, got '70000'", error.getMessage());
  }

  @Test
  void check_showsTheBadValueAsItIsWritten() {
    var error = assertThrows(IllegalArgumentException.class, () -> TIMEOUT.check(Duration.ZERO));

    assertEquals("timeout-ms must be positive, got '0'", error.getMessage());
  }

  @Test
  void declaration_whoseDefaultBreaksItsRule_isRejected() {
    var declaration = Setting.of("size", "demo.size", ValueType.INTEGER, -1, "how many");

    var error = assertThrows(IllegalArgumentException.class, () -> declaration.require(Rule.between(0, 10)));

    assertEquals("size must be between 0 and 10, got '-1'", error.getMessage());
  }

  @Test
  void declaration_withANameThatIsNoFlag_isRejected() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> Setting.of("Max_Size", "demo.size", ValueType.INTEGER, 1, "how many"));

    assertEquals("setting name 'Max_Size' must be lower-case words joined by '-'", error.getMessage());
  }

  @Test
  void declaration_withoutHelp_isRejected() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> Setting.of("size", "demo.size", ValueType.INTEGER, 1, " "));

    assertEquals("size: help must not be blank", error.getMessage());
  }
}
