package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomerCsvTest {

  private static final String HEADER = "Customer ID,Gender,Age,Number of Dependents,Number of Referrals,"
      + "Tenure in Months,Internet Service,Contract,Payment Method,Total Long Distance Charges,Total Revenue,"
      + "Satisfaction Score,Churn Label";

  @TempDir
  Path dir;

  @Test
  void read_ibmExtendedRow_mapsEveryFeature() throws IOException {
    Path csv = dir.resolve("telco.csv");
    Files.writeString(csv, HEADER + "\r\n8779-QRDMV,Male,78,0,2,1,Yes,Month-to-Month,Bank Withdrawal,0,59.65,3,Yes");

    var requests = CustomerCsv.read(csv);

    assertEquals(1, requests.size());
    var request = requests.getFirst();
    assertEquals("8779-QRDMV", request.getCustomerId());
    assertEquals(InternetService.INTERNET_SERVICE_YES, request.getInternetService());
    assertEquals(0, request.getNumberDependents());
    assertEquals(2, request.getNumberReferrals());
    assertEquals(1, request.getTenureInMonths());
    assertEquals(3, request.getSatisfactionScore());
    assertEquals(59.65, request.getTotalRevenue());
    assertEquals(Contract.CONTRACT_MONTH_TO_MONTH, request.getContract());
    assertEquals(PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL, request.getPaymentMethod());
  }

  @Test
  void read_unknownContract_isLeftUnspecifiedForTheServerToReject() throws IOException {
    Path csv = dir.resolve("telco.csv");
    Files.writeString(csv, HEADER + "\nX-1,Female,40,1,0,12,No,Decade,Credit Card,10,500,4,No\n");

    var request = CustomerCsv.read(csv).getFirst();

    assertEquals(Contract.CONTRACT_UNSPECIFIED, request.getContract());
  }

  @Test
  void read_basicKaggleSchema_isRefusedNamingTheMissingColumn() throws IOException {
    Path csv = dir.resolve("basic.csv");
    Files.writeString(csv, "customerID,gender,tenure,Contract\n7590-VHVEG,Female,1,Month-to-month\n");

    var error = assertThrows(IOException.class, () -> CustomerCsv.read(csv));

    assertTrue(error.getMessage().contains("'Customer ID'"), error.getMessage());
  }
}
