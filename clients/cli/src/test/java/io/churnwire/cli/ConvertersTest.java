package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.v1.Contract;
import io.churnwire.v1.PaymentMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  @Test
  void duration_acceptsUnitsAndIso8601() {
    assertEquals(Duration.ofMillis(250), Converters.DURATION.parser().apply("250ms"));
    assertEquals(Duration.ofSeconds(5), Converters.DURATION.parser().apply("5s"));
    assertEquals(Duration.ofMinutes(2), Converters.DURATION.parser().apply("2m"));
    assertEquals(Duration.ofMillis(1500), Converters.DURATION.parser().apply("PT1.5S"));
  }

  @Test
  void duration_garbage_isRefusedWithAnExample() {
    var error = assertThrows(IllegalArgumentException.class, () -> Converters.DURATION.parser().apply("soon"));

    assertEquals("'soon' is not a duration such as 250ms, 5s or 2m", error.getMessage());
  }

  @Test
  void duration_isWrittenInTheLargestExactUnit_andReadsBack() {
    for (Duration duration : List.of(Duration.ofMillis(2), Duration.ofMillis(50), Duration.ofSeconds(1),
        Duration.ofSeconds(90), Duration.ofMinutes(1), Duration.ZERO, Duration.ofNanos(1_500))) {
      assertEquals(duration, Converters.DURATION.parser().apply(Converters.DURATION.formatter().apply(duration)));
    }
    assertEquals("2ms", Converters.DURATION.formatter().apply(Duration.ofMillis(2)));
    assertEquals("90s", Converters.DURATION.formatter().apply(Duration.ofSeconds(90)));
    assertEquals("1m", Converters.DURATION.formatter().apply(Duration.ofMinutes(1)));
  }

  @Test
  void enums_acceptShortDashedAndFullNames() {
    assertEquals(Contract.CONTRACT_ONE_YEAR, new Converters.ContractConverter().convert("one-year"));
    assertEquals(Contract.CONTRACT_TWO_YEAR, new Converters.ContractConverter().convert("CONTRACT_TWO_YEAR"));
    assertEquals(PaymentMethod.PAYMENT_METHOD_CREDIT_CARD,
        new Converters.PaymentMethodConverter().convert("Credit_Card"));
  }

  @Test
  void enums_unspecified_isRefusedBecauseItMeansNotGiven() {
    assertThrows(TypeConversionException.class, () -> new Converters.ContractConverter().convert("unspecified"));
  }
}
