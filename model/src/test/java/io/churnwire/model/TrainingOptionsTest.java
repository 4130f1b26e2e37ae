package io.churnwire.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {

  @Test
  void defaults_areHundredTreesSeed42TwentyPercentHeldOut() {
    TrainingOptions options = TrainingOptions.defaults();

    assertEquals(100, options.trees());
    assertEquals(42, options.seed());
    assertEquals(0.2, options.testFraction());
    assertEquals(3, options.validationFolds());
    assertFalse(options.refitOnAllRows());
  }

  @Test
  void invalidTrees_messageNamesOptionAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(0, 1));

    assertEquals("trees must be in [1, 10000], got 0", e.getMessage());
  }

  @Test
  void invalidTestFraction_messageNamesOptionAndValue() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new TrainingOptions(10, 1, 0.9, 3, 0, 20, 0, 5, false));

    assertTrue(e.getMessage().startsWith("testFraction") && e.getMessage().contains("0.9"), e.getMessage());
  }

  @Test
  void properties_roundTrip() {
    TrainingOptions options = new TrainingOptions(7, -3, 0.25, 4, 2, 12, 50, 3, true);

    assertEquals(options, TrainingOptions.of(options.toProperties()));
  }

  @Test
  void of_badPropertyValue_messageNamesKey() {
    Properties props = new Properties();
    props.setProperty("churnwire.model.trees", "many");

    var e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.of(props));

    assertTrue(e.getMessage().contains("churnwire.model.trees"), e.getMessage());
  }
}
