package io.churnwire.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {

  @Test
  void telco_hasTheNineSeedFeaturesInOrderWithIbmLevels() {
    FeatureSchema schema = FeatureSchema.telco();

    assertEquals(List.of("internet_service", "number_dependents", "number_referrals",
        "satisfaction_score", "tenure_in_months", "total_long_distance_charges", "total_revenue",
        "contract", "payment_method"), schema.names());
    assertEquals(List.of("Yes", "No"), schema.get(0).levels());
    assertEquals(List.of("Month-to-Month", "One Year", "Two Year"), schema.get(7).levels());
    assertEquals(List.of("Bank Withdrawal", "Credit Card", "Mailed Check"), schema.get(8).levels());
    assertEquals(FeatureType.INTEGER, schema.get(3).type());
    assertEquals(1.0, schema.get(3).min());
    assertEquals(5.0, schema.get(3).max());
    assertEquals(FeatureType.REAL, schema.get(6).type());
    assertTrue(Double.isNaN(schema.get(7).min()));
  }

  @Test
  void select_keepsSchemaOrderNotArgumentOrder() {
    FeatureSchema subset = FeatureSchema.telco().select(List.of("contract", "tenure_in_months"));

    assertEquals(List.of("tenure_in_months", "contract"), subset.names());
  }

  @Test
  void select_unknownName_throwsNamingIt() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> FeatureSchema.telco().select(List.of("contract", "shoe_size")));

    assertTrue(e.getMessage().contains("[shoe_size]"), e.getMessage());
  }

  @Test
  void findAndIndexOf_locateFeaturesByName() {
    FeatureSchema schema = FeatureSchema.telco();

    assertEquals(4, schema.indexOf("tenure_in_months"));
    assertEquals(-1, schema.indexOf("nope"));
    assertEquals(Optional.of(schema.get(8)), schema.find("payment_method"));
    assertEquals(Optional.empty(), schema.find("nope"));
  }

  @Test
  void duplicateNames_areRejected() {
    FeatureSpec a = FeatureSpec.integer("a", 0, 1, "a");

    assertThrows(IllegalArgumentException.class, () -> new FeatureSchema(List.of(a, a)));
  }

  @Test
  void levelIndex_ignoresCaseAndSurroundingSpace() {
    FeatureSpec contract = FeatureSchema.telco().get(7);

    assertEquals(0, contract.levelIndex("month-to-month"));
    assertEquals(2, contract.levelIndex(" TWO YEAR "));
    assertEquals(-1, contract.levelIndex("Three Year"));
  }

  @Test
  void accepts_enforcesIntegralityBoundsAndLevelRange() {
    FeatureSchema schema = FeatureSchema.telco();
    FeatureSpec satisfaction = schema.get(3);
    FeatureSpec revenue = schema.get(6);
    FeatureSpec contract = schema.get(7);

    assertTrue(satisfaction.accepts(5));
    assertFalse(satisfaction.accepts(4.5));
    assertFalse(satisfaction.accepts(0));
    assertTrue(revenue.accepts(12.34));
    assertFalse(revenue.accepts(Double.NaN));
    assertFalse(revenue.accepts(-0.01));
    assertTrue(contract.accepts(2));
    assertFalse(contract.accepts(3));
    assertFalse(contract.accepts(1.5));
  }

  @Test
  void categoricalSpec_withNumericBounds_isRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> new FeatureSpec(
        "c", FeatureType.CATEGORICAL, List.of("a", "b"), 0, 1, "c"));

    assertTrue(e.getMessage().contains("NaN bounds"), e.getMessage());
  }
}
