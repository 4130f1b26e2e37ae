package io.churnwire.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.churnwire.datasets.SyntheticCustomerFile;
import io.churnwire.datasets.TelcoColumns;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.server.ServingModel;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code churnwire-model score} in this process, on the demo registry's production model. */
class ScoreCommandTest {

  @TempDir static Path shared;
  static Path registry;
  static Path customers;
  static ChurnModel model;

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  @BeforeAll
  static void registryAndCustomers() throws IOException {
    registry = DemoRegistry.shared();
    ModelRegistry models = ModelRegistry.at(registry);
    model = models.load(models.production().orElseThrow());
    customers = shared.resolve("customers.csv");
    SyntheticCustomerFile.write(customers, 3_000, 11);
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = TrainerMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  static Run score(String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--registry", registry.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  static List<List<String>> readCsv(Path file) throws IOException {
    List<List<String>> records = new ArrayList<>();
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
      reader.forEach(record -> records.add(record.getFields()));
    }
    return records;
  }

  /** The input's rows as the model reads them, with their customer ids, in file order. */
  static List<Customer> customersOf(Path csv) throws IOException {
    List<List<String>> records = readCsv(csv);
    TelcoColumns columns = TelcoColumns.customers(records.getFirst(), model.schema(), "x");
    List<Customer> rows = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      rows.add(new Customer(columns.customerId(records.get(i), i + 1), columns.row(records.get(i), i + 1)));
    }
    return rows;
  }

  record Customer(String id, double[] row) {}

  @Test
  void score_csvToCsv_everyRowCarriesTheRuntimesOwnPredictionInInputOrder() throws Exception {
    Path output = dir.resolve("scores.csv");

    Run run = score("--input", customers.toString(), "--output", output.toString());

    assertEquals(0, run.status(), run.err());
    List<List<String>> results = readCsv(output);
    assertEquals(List.of("customer_id", "churn_probability", "will_churn", "risk_band", "model_version"),
        results.getFirst());
    List<Customer> expected = customersOf(customers);
    assertEquals(expected.size() + 1, results.size());
    ServingModel serving = ServingModel.of(model);
    for (int i = 0; i < expected.size(); i++) {
      List<String> result = results.get(i + 1);
      double probability = model.churnProbability(expected.get(i).row());
      Prediction answer = serving.answer(probability);
      assertEquals(expected.get(i).id(), result.get(0));
      assertEquals(probability, Double.parseDouble(result.get(1)), "exactly the runtime's value, row " + i);
      assertEquals(Boolean.toString(answer.getWillChurn()), result.get(2));
      assertEquals(answer.getRiskBand().name().substring("RISK_BAND_".length()).toLowerCase(Locale.ROOT),
          result.get(3));
      assertEquals(model.version(), result.get(4));
    }
    assertTrue(run.out().contains("read        3,000 rows"), run.out());
    assertTrue(run.out().contains("rejected    0"), run.out());
    assertTrue(run.out().contains("model       " + model.version()), run.out());
    assertEquals(List.of(List.of("line", "customer_id", "reason")), readCsv(dir.resolve("scores.rejects.csv")));
  }

  @Test
  void score_badRows_goToTheRejectsFileWithLineAndReasonWhileTheGoodRowsAreScored() throws Exception {
    Path input = dir.resolve("mixed.csv");
    Files.writeString(input, String.join("\n",
        "Customer ID,Internet Service,Number of Dependents,Number of Referrals,Satisfaction Score,"
            + "Tenure in Months,Total Long Distance Charges,Total Revenue,Contract,Payment Method",
        "A-1,Yes,0,2,3,9,381.51,974.81,One Year,Credit Card",
        "A-2,Yes,0,2,3,9,381.51,974.81,Decade,Credit Card",
        "A-3,No,1,0,5,9,96.21,610.28,Month-to-Month,Bank Withdrawal",
        "A-4,No,1,0,,9,96.21,610.28,Month-to-Month,Bank Withdrawal",
        "A-5,No,1,0",
        ",No,1,0,5,9,96.21,610.28,Month-to-Month,Bank Withdrawal",
        "\"A-7, quoted\",No,1,0,9,9,96.21,610.28,Month-to-Month,Bank Withdrawal",
        "A-8,no,0,0,1,4,134.6,415.45,month-to-month,BANK WITHDRAWAL",
        ""), StandardCharsets.UTF_8);
    Path output = dir.resolve("out.csv");
    Path rejects = dir.resolve("bad-rows.csv");

    Run run = score("--input", input.toString(), "--output", output.toString(), "--rejects", rejects.toString());

    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("A-1", "A-3", "A-8"), readCsv(output).stream().skip(1).map(r -> r.get(0)).toList());
    List<List<String>> bad = readCsv(rejects);
    assertEquals(List.of("line", "customer_id", "reason"), bad.getFirst());
    assertEquals(List.of(
        List.of("3", "A-2", "column 'Contract': 'Decade' is not one of [Month-to-Month, One Year, Two Year] (case-insensitive)"),
        List.of("5", "A-4", "column 'Satisfaction Score': missing value, expected an integer in [1, 5]"),
        List.of("6", "", "has 4 fields, the header has 10"),
        List.of("7", "", "column 'Customer ID': missing customer id"),
        List.of("8", "A-7, quoted", "column 'Satisfaction Score': '9' is not an integer in [1, 5]")),
        bad.subList(1, bad.size()));
    assertTrue(run.out().contains("read        8 rows"), run.out());
    assertTrue(run.out().contains("scored      3"), run.out());
    assertTrue(run.out().contains("rejected    5"), run.out());
  }

  @Test
  void score_parquetIn_givesTheSameResultsAsParquetAndAsCsv() throws Exception {
    Path parquet = dir.resolve("customers.parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement()) {
      sql.execute("COPY (SELECT * FROM read_csv('" + customers + "', all_varchar = false)) TO '" + parquet
          + "' (FORMAT PARQUET)");
    }
    Path fromCsv = dir.resolve("from-csv.csv");
    Path asCsv = dir.resolve("as.csv");
    Path asParquet = dir.resolve("as.parquet");

    Run csvRun = score("--input", customers.toString(), "--output", fromCsv.toString());
    Run toCsv = score("--input", parquet.toString(), "--output", asCsv.toString());
    Run toParquet = score("--input", parquet.toString(), "--output", asParquet.toString());

    assertEquals(0, csvRun.status(), csvRun.err());
    assertEquals(0, toCsv.status(), toCsv.err());
    assertEquals(0, toParquet.status(), toParquet.err());
    List<List<String>> expected = readCsv(fromCsv);
    assertEquals(expected, readCsv(asCsv));
    List<List<String>> parquetRows = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement();
         ResultSet rows = sql.executeQuery("SELECT customer_id, churn_probability, will_churn, risk_band, model_version,"
             + " typeof(churn_probability), typeof(will_churn) FROM read_parquet('" + asParquet + "')")) {
      while (rows.next()) {
        assertEquals("DOUBLE", rows.getString(6));
        assertEquals("BOOLEAN", rows.getString(7));
        parquetRows.add(List.of(rows.getString(1), Double.toString(rows.getDouble(2)),
            Boolean.toString(rows.getBoolean(3)), rows.getString(4), rows.getString(5)));
      }
    }
    assertEquals(expected.subList(1, expected.size()), parquetRows);
  }

  @Test
  void score_explain_addsTheTopThreeFactorsOfTheModelsExplanation() throws Exception {
    Path output = dir.resolve("explained.csv");

    Run run = score("--input", customers.toString(), "--output", output.toString(), "--explain");

    assertEquals(0, run.status(), run.err());
    List<List<String>> results = readCsv(output);
    assertEquals(List.of("customer_id", "churn_probability", "will_churn", "risk_band", "model_version",
        "factor_1", "factor_1_contribution", "factor_2", "factor_2_contribution", "factor_3",
        "factor_3_contribution"), results.getFirst());
    List<Customer> expected = customersOf(customers);
    for (int i = 0; i < 200; i++) {
      double[] row = expected.get(i).row();
      List<Explanation.Contribution> top = model.explain(row).top(model.schema(), row, 3);
      List<String> result = results.get(i + 1);
      for (int k = 0; k < 3; k++) {
        assertEquals(top.get(k).feature(), result.get(5 + 2 * k), "row " + i + " factor " + (k + 1));
        assertEquals(top.get(k).contribution(), Double.parseDouble(result.get(6 + 2 * k)));
      }
    }
  }

  @Test
  void score_badArguments_exitTwoWithAOneLineError() throws Exception {
    Path output = dir.resolve("never.csv");
    Path noIds = dir.resolve("no-ids.csv");
    Files.writeString(noIds, "Internet Service,Contract\nYes,One Year\n", StandardCharsets.UTF_8);

    List<Run> runs = List.of(
        score("--input", dir.resolve("missing.csv").toString(), "--output", output.toString()),
        score("--input", customers.toString(), "--output", dir.resolve("scores.xlsx").toString()),
        score("--input", customers.toString(), "--output", output.toString(), "--version", "sha256:0000000000000000"),
        score("--input", customers.toString(), "--output", output.toString(), "--input-format", "json"),
        score("--input", noIds.toString(), "--output", output.toString()),
        score("--input", customers.toString()),
        run("score", "--registry", dir.resolve("no-registry").toString(), "--input", customers.toString(),
            "--output", output.toString()));

    List<String> expected = List.of("no such input file", "cannot tell the format", "no version sha256:0000000000000000",
        "--input-format must be one of", "no column found", "Missing required option", "no production model");
    for (int i = 0; i < runs.size(); i++) {
      Run run = runs.get(i);
      assertEquals(2, run.status(), "case " + i + ": " + run.err());
      assertEquals(1, run.err().strip().lines().count(), "case " + i + ": " + run.err());
      assertTrue(run.err().startsWith("error: ") && run.err().contains(expected.get(i)), "case " + i + ": " + run.err());
      assertEquals("", run.out(), "case " + i);
    }
    assertFalse(Files.exists(output));
  }
}
