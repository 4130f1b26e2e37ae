package io.churnwire.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelcoCsvTest {

  private static final String IBM_HEADER = "Customer ID,Internet Service,Number of Dependents,"
      + "Number of Referrals,Satisfaction Score,Tenure in Months,Total Long Distance Charges,"
      + "Total Revenue,Contract,Payment Method,Churn Label,Churn Reason";

  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private TelcoCsvException readFails(String... lines) throws Exception {
    Path csv = write("bad.csv", String.join("\r\n", lines));
    return assertThrows(TelcoCsvException.class, () -> TelcoCsv.read(csv, FeatureSchema.telco()));
  }

  @Test
  void read_ibmLayoutWithCrlfAndCaseDifferences_mapsColumnsAndLevels() throws Exception {
    String content = String.join("\r\n",
        IBM_HEADER,
        "0002-ORFBO,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card,No,",
        "0003-MKNFE,no,1,0,5,9,96.21,610.28,month-to-month,CREDIT CARD,no,",
        "0004-TLHLJ,Yes,0,0,1,4,134.6,415.45,Month-to-Month,Bank Withdrawal,Yes,Competitor");
    Path csv = write("telco.csv", content);

    TrainingData data = TelcoCsv.read(csv, FeatureSchema.telco());

    assertEquals(3, data.size());
    assertArrayEquals(new double[] {0, 0, 2, 3, 9, 381.51, 974.81, 1, 1}, data.rows()[0]);
    assertArrayEquals(new double[] {1, 1, 0, 5, 9, 96.21, 610.28, 0, 1}, data.rows()[1]);
    assertArrayEquals(new double[] {0, 0, 0, 1, 4, 134.6, 415.45, 0, 0}, data.rows()[2]);
    assertArrayEquals(new int[] {0, 0, 1}, data.labels());
    assertEquals("telco.csv", data.source());
    String expectedHash = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expectedHash, data.sha256());
  }

  @Test
  void read_lfEndingsQuotedFieldsSnakeHeadersAndSubsetSchema() throws Exception {
    Path csv = write("small.csv", "tenure_in_months,\"Contract\",churn\n"
        + "12,\"Two Year\",No\n"
        + "\n"
        + "3,\"Month-to-Month\",Yes\n");
    FeatureSchema schema = FeatureSchema.telco().select(List.of("tenure_in_months", "contract"));

    TrainingData data = TelcoCsv.read(csv, schema);

    assertArrayEquals(new double[] {12, 2}, data.rows()[0]);
    assertArrayEquals(new double[] {3, 0}, data.rows()[1]);
    assertArrayEquals(new int[] {0, 1}, data.labels());
  }

  @Test
  void read_malformedNumber_namesLineAndColumn() throws Exception {
    var e = readFails(IBM_HEADER,
        "A,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card,No,",
        "B,Yes,0,2,3,nine,381.51,974.81,One Year,Credit Card,No,");

    assertEquals(3, e.line());
    assertEquals("Tenure in Months", e.column());
    assertEquals("bad.csv: line 3, column 'Tenure in Months': 'nine' is not an integer in [0, 1200]",
        e.getMessage());
  }

  @Test
  void read_unknownCategory_listsAllowedLevels() throws Exception {
    var e = readFails(IBM_HEADER, "A,Yes,0,2,3,9,381.51,974.81,Three Year,Credit Card,No,");

    assertEquals(2, e.line());
    assertEquals("Contract", e.column());
    assertTrue(e.getMessage().contains("[Month-to-Month, One Year, Two Year]"), e.getMessage());
  }

  @Test
  void read_outOfRangeAndMissingValues_areRejected() throws Exception {
    var outOfRange = readFails(IBM_HEADER, "A,Yes,0,2,6,9,381.51,974.81,One Year,Credit Card,No,");
    var missing = readFails(IBM_HEADER, "A,Yes,0,2,3,9,,974.81,One Year,Credit Card,No,");
    var notFinite = readFails(IBM_HEADER, "A,Yes,0,2,3,9,NaN,974.81,One Year,Credit Card,No,");

    assertEquals("Satisfaction Score", outOfRange.column());
    assertTrue(missing.getMessage().contains("missing value"), missing.getMessage());
    assertEquals("Total Long Distance Charges", notFinite.column());
  }

  @Test
  void read_badLabel_isRejected() throws Exception {
    var e = readFails(IBM_HEADER, "A,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card,Maybe,");

    assertEquals("Churn Label", e.column());
  }

  @Test
  void read_wrongFieldCount_namesLine() throws Exception {
    var e = readFails(IBM_HEADER,
        "A,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card,No,",
        "B,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card,No");

    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("has 11 fields, the header has 12"), e.getMessage());
  }

  @Test
  void read_missingColumn_namesFeatureOnHeaderLine() throws Exception {
    var e = readFails("Internet Service,Churn Label", "Yes,No");

    assertEquals(1, e.line());
    assertEquals("number_dependents", e.column());
  }

  @Test
  void readRequests_ibmExtendedRowsWithoutLabel_becomeRequestsWithTheirCustomerIds() throws Exception {
    Path csv = write("telco.csv", "Customer ID,Gender,Age,Number of Dependents,Number of Referrals,"
        + "Tenure in Months,Internet Service,Contract,Payment Method,Total Long Distance Charges,"
        + "Total Revenue,Satisfaction Score\r\n"
        + "8779-QRDMV,Male,78,0,2,1,Yes,Month-to-Month,Bank Withdrawal,0,59.65,3\r\n"
        + "7495-OOKFY,Female,80,1,0,8,No,Two Year,credit card,390.8,1024.1,5");

    List<PredictRequest> requests = TelcoCsv.readRequests(csv);

    assertEquals(List.of(
        TelcoRequests.of("8779-QRDMV", new double[] {0, 0, 2, 3, 1, 0, 59.65, 0, 0}),
        TelcoRequests.of("7495-OOKFY", new double[] {1, 1, 0, 5, 8, 390.8, 1024.1, 2, 1})), requests);
    assertEquals(InternetService.INTERNET_SERVICE_YES, requests.getFirst().getInternetService());
    assertEquals(Contract.CONTRACT_MONTH_TO_MONTH, requests.getFirst().getContract());
    assertEquals(PaymentMethod.PAYMENT_METHOD_CREDIT_CARD, requests.getLast().getPaymentMethod());
  }

  @Test
  void readRequests_unknownCategory_namesLineAndColumnInsteadOfSendingIt() throws Exception {
    Path csv = write("bad.csv", IBM_HEADER + "\nX-1,No,1,0,4,12,10,500,Decade,Credit Card,No,\n");

    var e = assertThrows(TelcoCsvException.class, () -> TelcoCsv.readRequests(csv));

    assertEquals(2, e.line());
    assertEquals("Contract", e.column());
  }

  @Test
  void readRequests_emptyCustomerId_isRejected() throws Exception {
    Path csv = write("bad.csv", IBM_HEADER + "\n ,No,1,0,4,12,10,500,One Year,Credit Card,No,\n");

    var e = assertThrows(TelcoCsvException.class, () -> TelcoCsv.readRequests(csv));

    assertEquals("bad.csv: line 2, column 'Customer ID': missing customer id", e.getMessage());
  }

  @Test
  void readRequests_basicKaggleSchema_isRefusedNamingTheMissingFeature() throws Exception {
    Path csv = write("basic.csv", "customerID,gender,tenure,Contract\n7590-VHVEG,Female,1,Month-to-month\n");

    var e = assertThrows(TelcoCsvException.class, () -> TelcoCsv.readRequests(csv));

    assertEquals(1, e.line());
    assertEquals("internet_service", e.column());
  }

  @Test
  void readRequests_noCustomerIdColumn_isRefusedNamingIt() throws Exception {
    Path csv = dir.resolve("synthetic.csv");
    TelcoCsv.write(SyntheticTelcoData.generate(3, 1), csv);

    var e = assertThrows(TelcoCsvException.class, () -> TelcoCsv.readRequests(csv));

    assertEquals("Customer ID", e.column());
  }

  @Test
  void normalise_turnsHeadersIntoLowerSnakeCase() {
    assertEquals("tenure_in_months", TelcoCsv.normalise(" Tenure in Months "));
    assertEquals("payment_method", TelcoCsv.normalise("PaymentMethod"));
    assertEquals("customer_id", TelcoCsv.normalise("customerID"));
    assertEquals("avg_monthly_gb_download", TelcoCsv.normalise("Avg Monthly GB Download"));
  }
}
