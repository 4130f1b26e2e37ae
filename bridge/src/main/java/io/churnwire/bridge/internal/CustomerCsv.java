package io.churnwire.bridge.internal;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads customers from a CSV in IBM's extended Telco schema ("Telco customer churn (11.1.3+)": a
 * header row with {@code Customer ID}, {@code Tenure in Months}, {@code Contract}, ...) into
 * {@code PredictRequest}s for the simulator. Values outside the known vocabularies become the
 * {@code *_UNSPECIFIED} enum value, which the server rejects: the simulator does not hide bad data.
 */
public final class CustomerCsv {

  private static final List<String> REQUIRED = List.of("Customer ID", "Internet Service",
      "Number of Dependents", "Number of Referrals", "Satisfaction Score", "Tenure in Months",
      "Total Long Distance Charges", "Total Revenue", "Contract", "Payment Method");

  private CustomerCsv() {}

  /** Reads every data row; fails naming the first missing column or malformed number. */
  public static List<PredictRequest> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv + " is empty");
    }
    Map<String, Integer> columns = new HashMap<>();
    String[] header = split(lines.getFirst());
    for (int i = 0; i < header.length; i++) {
      columns.put(header[i].strip(), i);
    }
    for (String name : REQUIRED) {
      if (!columns.containsKey(name)) {
        throw new IOException(csv + " has no column '" + name + "'; expected IBM's extended Telco schema");
      }
    }
    var requests = new ArrayList<PredictRequest>(lines.size() - 1);
    for (int row = 1; row < lines.size(); row++) {
      String line = lines.get(row);
      if (line.isBlank()) {
        continue;
      }
      String[] cells = split(line);
      try {
        requests.add(toRequest(cells, columns));
      } catch (RuntimeException e) {
        throw new IOException(csv + " line " + (row + 1) + ": " + e.getMessage(), e);
      }
    }
    return requests;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    return Arrays.stream(cells).map(String::strip).toArray(String[]::new);
  }

  private static PredictRequest toRequest(String[] cells, Map<String, Integer> columns) {
    return PredictRequest.newBuilder()
        .setCustomerId(cell(cells, columns, "Customer ID"))
        .setInternetService(switch (cell(cells, columns, "Internet Service")) {
          case "Yes" -> InternetService.INTERNET_SERVICE_YES;
          case "No" -> InternetService.INTERNET_SERVICE_NO;
          default -> InternetService.INTERNET_SERVICE_UNSPECIFIED;
        })
        .setNumberDependents(Integer.parseInt(cell(cells, columns, "Number of Dependents")))
        .setNumberReferrals(Integer.parseInt(cell(cells, columns, "Number of Referrals")))
        .setSatisfactionScore(Integer.parseInt(cell(cells, columns, "Satisfaction Score")))
        .setTenureInMonths(Integer.parseInt(cell(cells, columns, "Tenure in Months")))
        .setTotalLongDistanceCharges(Double.parseDouble(cell(cells, columns, "Total Long Distance Charges")))
        .setTotalRevenue(Double.parseDouble(cell(cells, columns, "Total Revenue")))
        .setContract(switch (cell(cells, columns, "Contract")) {
          case "Month-to-Month" -> Contract.CONTRACT_MONTH_TO_MONTH;
          case "One Year" -> Contract.CONTRACT_ONE_YEAR;
          case "Two Year" -> Contract.CONTRACT_TWO_YEAR;
          default -> Contract.CONTRACT_UNSPECIFIED;
        })
        .setPaymentMethod(switch (cell(cells, columns, "Payment Method")) {
          case "Bank Withdrawal" -> PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL;
          case "Credit Card" -> PaymentMethod.PAYMENT_METHOD_CREDIT_CARD;
          case "Mailed Check" -> PaymentMethod.PAYMENT_METHOD_MAILED_CHECK;
          default -> PaymentMethod.PAYMENT_METHOD_UNSPECIFIED;
        })
        .build();
  }

  private static String cell(String[] cells, Map<String, Integer> columns, String name) {
    int index = columns.get(name);
    if (index >= cells.length) {
      throw new IllegalArgumentException("no value for '" + name + "'");
    }
    return cells[index];
  }
}
