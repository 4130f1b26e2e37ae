package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import io.churnwire.testsupport.Customers;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureBindingTest {

  @Test
  void extract_validRequest_givesFeaturesInModelOrderWithLevelIndexes() throws Exception {
    FeatureBinding binding = FeatureBinding.bind(FeatureSchema.telco());

    double[] row = binding.extract(Customers.risky(), "");

    assertArrayEquals(new double[] {0, 0, 0, 1, 2, 20.5, 180.0, 0, 2}, row);
  }

  @Test
  void extract_requestsMadeFromDatasetRows_giveTheRowsBack() throws Exception {
    FeatureBinding binding = FeatureBinding.bind(FeatureSchema.telco());
    Iterator<double[]> rows = SyntheticTelcoData.rows(5);

    for (int i = 0; i < 200; i++) {
      double[] row = rows.next();

      assertArrayEquals(row, binding.extract(TelcoRequests.of("row-" + i, row), ""), "row " + i);
    }
  }

  @Test
  void extract_withASubsetSchema_readsOnlyThoseFields() throws Exception {
    FeatureBinding binding = FeatureBinding.bind(FeatureSchema.telco().select(List.of("tenure_in_months", "contract")));

    double[] row = binding.extract(Customers.loyal().toBuilder().clearSatisfactionScore().build(), "");

    assertArrayEquals(new double[] {70, 2}, row);
  }

  @Test
  void bind_featureThatIsNotARequestField_isRejectedByName() {
    FeatureSchema schema = new FeatureSchema(List.of(
        new FeatureSpec("shoe_size", FeatureType.INTEGER, List.of(), 0, 60, "not in the contract")));

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> FeatureBinding.bind(schema));

    assertEquals("model feature 'shoe_size' is not a field of churnwire.v1.PredictRequest", error.getMessage());
  }

  @Test
  void bind_levelWithoutAnEnumValue_isRejectedByName() {
    FeatureSchema schema = new FeatureSchema(List.of(new FeatureSpec("contract", FeatureType.CATEGORICAL,
        List.of("Month-to-Month", "Three Year"), Double.NaN, Double.NaN, "contract")));

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> FeatureBinding.bind(schema));

    assertEquals("level 'Three Year' of model feature 'contract' has no enum value CONTRACT_THREE_YEAR"
        + " in churnwire.v1.Contract", error.getMessage());
  }

  @Test
  void enumValueName_followsTheEnumPrefixConvention() {
    FeatureSpec payment = FeatureSchema.telco().find("payment_method").orElseThrow();

    assertEquals("PAYMENT_METHOD_BANK_WITHDRAWAL", FeatureBinding.enumValueName(payment, "Bank Withdrawal"));
  }
}
