package io.churnwire.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.runtime.FeatureSchema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TelcoColumnsTest {

  private static final List<String> HEADER = List.of("Customer ID", "Internet Service", "Number of Dependents",
      "Number of Referrals", "Satisfaction Score", "Tenure in Months", "Total Long Distance Charges",
      "Total Revenue", "Contract", "Payment Method");

  @Test
  void numberSyntax_agreesWithTheRegularExpressionsItReplaces() {
    Pattern integer = Pattern.compile("[+-]?\\d+(\\.0*)?");
    Pattern decimal = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    for (String s : List.of("", "+", "-", ".", "1", "+1", "-12", "1.", "1.0", "1.00", "1.05", ".5", "-.5", "5.",
        "1e5", "1E-5", "1.5e+3", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "0x10", "NaN", "Infinity", "١٢", "12a")) {
      assertEquals(integer.matcher(s).matches(), TelcoColumns.isInteger(s), "integer '" + s + "'");
      assertEquals(decimal.matcher(s).matches(), TelcoColumns.isDecimal(s), "decimal '" + s + "'");
    }
  }

  @Test
  void parse_equalsTheJdksParseOnMoneyAndOnLongOrExponentNumbers() {
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      String money = BigDecimal.valueOf(random.nextLong(0, 100_000_000_000L), random.nextInt(0, 6)).toPlainString();
      assertEquals(Double.parseDouble(money), TelcoColumns.parse(money), money);
      String negative = "-" + money;
      assertEquals(Double.parseDouble(negative), TelcoColumns.parse(negative), negative);
    }
    for (String s : List.of("0", "-0", "+7", "12345678901234567890", "0.1234567890123456789", "1e5", "2.5E-3",
        "000000000000000001.5", ".5", "5.")) {
      assertEquals(Double.parseDouble(s), TelcoColumns.parse(s), s);
    }
  }

  @Test
  void read_aRecordOfTheIbmLayout_isTheRowTheModelReads() throws Exception {
    TelcoColumns columns = TelcoColumns.customers(HEADER, FeatureSchema.telco(), "c.csv");
    List<String> cells = List.of(" 0002-ORFBO ", "yes", "0", "2", "3", "9", "381.51", "974.81", "One Year", "credit card");

    assertEquals("0002-ORFBO", columns.customerId(cells, 2));
    assertArrayEquals(new double[] {0, 0, 2, 3, 9, 381.51, 974.81, 1, 1}, columns.row(cells, 2));
  }

  @Test
  void read_wrongFieldCountOrBadValue_namesLineAndColumn() throws Exception {
    TelcoColumns columns = TelcoColumns.customers(HEADER, FeatureSchema.telco(), "c.csv");

    TelcoCsvException short_ = assertThrows(TelcoCsvException.class, () -> columns.row(List.of("x", "Yes"), 7));
    TelcoCsvException revenue = assertThrows(TelcoCsvException.class, () -> columns.row(
        List.of("x", "Yes", "0", "2", "3", "9", "381.51", "-5", "One Year", "Credit Card"), 8));

    assertEquals("c.csv: line 7: has 2 fields, the header has 10", short_.getMessage());
    assertEquals(8, revenue.line());
    assertEquals("Total Revenue", revenue.column());
    assertEquals("'-5' is not a number in [0, 1000000000]", revenue.problem());
  }
}
