package io.churnwire.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import org.junit.jupiter.api.Test;

class TelcoRequestsTest {

  @Test
  void of_telcoRow_setsEveryFeatureAndTheCustomerId() {
    double[] row = {0, 1, 2, 3, 9, 381.51, 974.81, 1, 2};

    PredictRequest request = TelcoRequests.of("0002-ORFBO", row);

    assertEquals(PredictRequest.newBuilder()
        .setCustomerId("0002-ORFBO")
        .setInternetService(InternetService.INTERNET_SERVICE_YES)
        .setNumberDependents(1)
        .setNumberReferrals(2)
        .setSatisfactionScore(3)
        .setTenureInMonths(9)
        .setTotalLongDistanceCharges(381.51)
        .setTotalRevenue(974.81)
        .setContract(Contract.CONTRACT_ONE_YEAR)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_MAILED_CHECK)
        .build(), request);
  }

  @Test
  void of_zeroValues_areSetRatherThanLeftOut() {
    double[] row = {1, 0, 0, 1, 0, 0, 0, 0, 0};

    PredictRequest request = TelcoRequests.of("", row);

    assertTrue(request.hasNumberDependents());
    assertTrue(request.hasTenureInMonths());
    assertTrue(request.hasTotalRevenue());
    assertEquals(InternetService.INTERNET_SERVICE_NO, request.getInternetService());
    assertEquals(Contract.CONTRACT_MONTH_TO_MONTH, request.getContract());
  }

  @Test
  void of_everyLevel_hasItsOwnEnumValue() {
    FeatureSchema schema = FeatureSchema.telco();
    for (String name : new String[] {"internet_service", "contract", "payment_method"}) {
      int column = schema.indexOf(name);
      FeatureSpec feature = schema.get(column);
      for (int level = 0; level < feature.levels().size(); level++) {
        double[] row = {0, 0, 0, 1, 0, 0, 0, 0, 0};
        row[column] = level;

        PredictRequest request = TelcoRequests.of("x", row);

        var value = (EnumValueDescriptor) request.getField(PredictRequest.getDescriptor().findFieldByName(name));
        assertEquals(level + 1, value.getNumber(), name + " level " + feature.levels().get(level));
      }
    }
  }

  @Test
  void enumValueName_upperCasesTheLevelWithUnderscores() {
    assertEquals("CONTRACT_MONTH_TO_MONTH",
        TelcoRequests.enumValueName(Contract.getDescriptor(), "Month-to-Month"));
    assertEquals("PAYMENT_METHOD_BANK_WITHDRAWAL",
        TelcoRequests.enumValueName(PaymentMethod.getDescriptor(), "Bank Withdrawal"));
  }

  @Test
  void of_wrongLengthOrRejectedValue_isRefusedNamingTheFeature() {
    var shortRow = assertThrows(IllegalArgumentException.class,
        () -> TelcoRequests.of("x", new double[] {0, 0}));
    var outOfRange = assertThrows(IllegalArgumentException.class,
        () -> TelcoRequests.of("x", new double[] {0, 0, 0, 6, 0, 0, 0, 0, 0}));

    assertEquals("a telco row has 9 values, got 2", shortRow.getMessage());
    assertTrue(outOfRange.getMessage().startsWith("feature satisfaction_score: 6.0"), outOfRange.getMessage());
  }
}
