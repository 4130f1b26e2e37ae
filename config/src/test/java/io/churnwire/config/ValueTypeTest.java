package io.churnwire.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValueTypeTest {

  private enum Colour { RED, DARK_BLUE }

  @Test
  void boolean_readsTrueAndFalseInAnyCase_andNothingElse() {
    assertEquals(true, ValueType.BOOLEAN.parser().apply("TRUE"));
    assertEquals(false, ValueType.BOOLEAN.parser().apply("false"));
    assertThrows(IllegalArgumentException.class, () -> ValueType.BOOLEAN.parser().apply("yes"));
  }

  @Test
  void decimal_readsFractions_butNotInfinity() {
    assertEquals(0.5, ValueType.DECIMAL.parser().apply("0.5"));
    assertThrows(IllegalArgumentException.class, () -> ValueType.DECIMAL.parser().apply("Infinity"));
    assertThrows(IllegalArgumentException.class, () -> ValueType.DECIMAL.parser().apply("NaN"));
  }

  @Test
  void oneOf_readsAConstantInAnyCase_andWritesItInLowerCase() {
    ValueType<Colour> type = ValueType.oneOf(Colour.class);

    assertEquals(Colour.DARK_BLUE, type.parser().apply("dark_blue"));
    assertEquals("dark_blue", type.formatter().apply(Colour.DARK_BLUE));
    assertEquals("one of red, dark_blue", type.description());
  }

  @Test
  void oneOf_unknownName_failsNamingTheChoices() {
    Setting<Colour> colour = Setting.of("colour", "demo.colour", ValueType.oneOf(Colour.class), Colour.RED, "hue");

    var error = assertThrows(IllegalArgumentException.class, () -> colour.parse("green"));

    assertEquals("colour must be one of red, dark_blue, got 'green'", error.getMessage());
  }

  @Test
  void optional_emptyTextIsAbsent_otherTextIsParsedByTheInnerType() {
    ValueType<Optional<Duration>> type = ValueType.optional(ValueType.MILLIS);

    assertEquals(Optional.empty(), type.parser().apply(""));
    assertEquals(Optional.of(Duration.ofMillis(5)), type.parser().apply("5"));
    assertEquals("", type.formatter().apply(Optional.empty()));
    assertEquals("a whole number of milliseconds, or nothing", type.description());
  }
}
