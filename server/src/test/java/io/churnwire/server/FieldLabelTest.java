package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The field label of invalid requests names the field, never the path or index a caller sent. */
class FieldLabelTest {
  @Test
  void itemAndRequestPrefixes_areStripped() {
    assertEquals("tenure_in_months", FieldLabel.of("items[3].request.tenure_in_months"));
    assertEquals("contract", FieldLabel.of("request.contract"));
    assertEquals("customer_id", FieldLabel.of("customer_id"));
    assertEquals("item_id", FieldLabel.of("items[12].item_id"));
  }

  @Test
  void aWholeItemOrRequest_isNamedByItsField() {
    assertEquals("items", FieldLabel.of("items[7]"));
    assertEquals("request", FieldLabel.of("items[0].request"));
  }

  @Test
  void unknownOrEmptyPaths_areOther_soTheLabelStaysBounded() {
    assertEquals(FieldLabel.OTHER, FieldLabel.of(""));
    assertEquals(FieldLabel.OTHER, FieldLabel.of("request.shoe_size"));
    assertEquals(FieldLabel.OTHER, FieldLabel.of("items[1].request.contract.extra"));
    assertEquals(FieldLabel.OTHER, FieldLabel.of("x".repeat(10_000)));
  }
}
