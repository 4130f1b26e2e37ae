package io.churnwire.config;

import static io.churnwire.config.DemoSettings.DEMO;
import static io.churnwire.config.DemoSettings.NAME;
import static io.churnwire.config.DemoSettings.PORT;
import static io.churnwire.config.DemoSettings.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void with_replacesOneValue_andLeavesTheOriginal() {
    Values defaults = DEMO.defaults();

    Values changed = defaults.with(PORT, 9090);

    assertEquals(9090, changed.get(PORT));
    assertEquals(8080, defaults.get(PORT));
    assertEquals("demo", changed.get(NAME));
  }

  @Test
  void with_valueBreakingTheRule_isRejectedNamingTheSetting() {
    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.defaults().with(NAME, ""));

    assertEquals("name must not be blank, got ''", error.getMessage());
  }

  @Test
  void toProperties_roundTripsThroughFromProperties() {
    Values values = DEMO.defaults().with(PORT, 1).with(TIMEOUT, Duration.ofMillis(5));

    Values read = DEMO.fromProperties(values.toProperties());

    assertEquals(1, read.get(PORT));
    assertEquals(Duration.ofMillis(5), read.get(TIMEOUT));
    assertEquals("5", values.toProperties().getProperty("demo.client.timeout-ms"));
  }

  @Test
  void get_settingOfAnotherCommand_isRejected() {
    Setting<String> foreign = Setting.of("name", "other.name", ValueType.TEXT, "x", "another command's name");

    var error = assertThrows(IllegalArgumentException.class, () -> DEMO.defaults().get(foreign));

    assertEquals("name is not a setting of demo", error.getMessage());
  }
}
