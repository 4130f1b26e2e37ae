package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.server.FeatureBinding;
import io.churnwire.server.InvalidRequestException;
import io.churnwire.v1.PredictRequest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomCustomersTest {
  private static final FeatureBinding SERVER = FeatureBinding.bind(FeatureSchema.telco());

  @Test
  void valid_customersPassTheServersValidationWithNumberedIds() {
    RandomCustomers customers = new RandomCustomers(new SplittableRandom(1));

    for (int i = 1; i <= 500; i++) {
      PredictRequest customer = customers.valid();

      assertEquals(String.format("LOAD-%08d", i), customer.getCustomerId());
      assertDoesNotThrow(() -> SERVER.extract(customer, ""), customer::toString);
    }
  }

  @Test
  void invalid_customersAreEachRejectedByTheServer() {
    RandomCustomers customers = new RandomCustomers(new SplittableRandom(2));

    for (int i = 0; i < 200; i++) {
      PredictRequest customer = customers.invalid();

      assertThrows(InvalidRequestException.class, () -> SERVER.extract(customer, ""), customer::toString);
    }
  }

  @Test
  void sameSeed_givesSameCustomers_otherSeedOthers() {
    RandomCustomers first = new RandomCustomers(new SplittableRandom(3));
    RandomCustomers second = new RandomCustomers(new SplittableRandom(3));
    RandomCustomers other = new RandomCustomers(new SplittableRandom(4));

    PredictRequest a = first.valid();

    assertEquals(a, second.valid());
    assertNotEquals(a.toBuilder().clearCustomerId().build(), other.valid().toBuilder().clearCustomerId().build());
  }
}
