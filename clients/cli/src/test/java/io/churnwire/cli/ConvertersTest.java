package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.v1.Contract;
import io.churnwire.v1.PaymentMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  private final Converters.DurationConverter durations = new Converters.DurationConverter();

  @Test
  void duration_acceptsUnitsAndIso8601() {
    assertEquals(Duration.ofMillis(250), durations.convert("250ms"));
    assertEquals(Duration.ofSeconds(5), durations.convert("5s"));
    assertEquals(Duration.ofMinutes(2), durations.convert("2m"));
    assertEquals(Duration.ofMillis(1500), durations.convert("PT1.5S"));
  }

  @Test
  void duration_garbage_isRefusedWithAnExample() {
    TypeConversionException error = assertThrows(TypeConversionException.class, () -> durations.convert("soon"));

    assertEquals("'soon' is not a duration such as 250ms, 5s or 2m", error.getMessage());
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
