package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.PredictResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command-line tool, run as {@code main} would run it, against the real server on Netty serving
 * the shared test registry's model.
 */
class ChurnCliTest {
  private static ServerApplication server;
  private static String target;

  @BeforeAll
  static void start() throws Exception {
    server = ServerApplication.start(
        ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withModelDir(DemoRegistry.shared()));
    target = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Exit code and what the tool printed on stdout and stderr. */
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = ChurnCli.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static String[] predictArgs(String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "--target", target, "--timeout", "20s",
        "--customer-id", "7590-VHVEG", "--internet-service", "yes", "--number-dependents", "0",
        "--number-referrals", "0", "--satisfaction-score", "2", "--tenure-in-months", "3",
        "--total-long-distance-charges", "31.2", "--total-revenue", "250.5",
        "--contract", "month-to-month", "--payment-method", "MAILED_CHECK"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void predict_everyFeatureGiven_printsTheDecisionAndExitsZero() {
    Run run = run(predictArgs());

    assertEquals(0, run.exitCode(), run::err);
    assertTrue(run.out().contains("customer          7590-VHVEG"), run::out);
    assertTrue(Pattern.compile("churn probability 0\\.\\d{4}|churn probability 1\\.0000").matcher(run.out()).find(),
        run::out);
    assertTrue(Pattern.compile("risk band         (LOW|MEDIUM|HIGH)").matcher(run.out()).find(), run::out);
  }

  @Test
  void predict_json_printsAResponseThatParsesBack() throws Exception {
    Run run = run(predictArgs("--json"));

    PredictResponse.Builder response = PredictResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), response);
    assertEquals(0, run.exitCode(), run::err);
    assertEquals("7590-VHVEG", response.getCustomerId());
    assertTrue(response.hasPrediction());
  }

  @Test
  void predict_featuresLeftOut_listsEveryViolationAndExitsTwo() {
    Run run = run("predict", "--target", target, "--timeout", "20s", "--tenure-in-months", "3",
        "--satisfaction-score", "7");

    assertEquals(ChurnCli.EXIT_INVALID, run.exitCode());
    assertTrue(run.err().contains("refused the request as invalid"), run::err);
    for (String field : List.of("contract:", "payment_method:", "internet_service:", "total_revenue:",
        "satisfaction_score:")) {
      assertTrue(run.err().contains("  " + field), () -> field + " missing from\n" + run.err());
    }
    assertFalse(run.err().contains("tenure_in_months:"), run::err);
  }

  @Test
  void predict_unknownContract_isAUsageErrorNamingTheChoices() {
    Run run = run(predictArgs("--contract", "weekly"));

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("month-to-month, one-year, two-year"), run::err);
  }

  @Test
  void metadata_printsTheModelAsJson() throws Exception {
    Run run = run("metadata", "--target", target, "--timeout", "20s");

    ModelMetadata.Builder metadata = ModelMetadata.newBuilder();
    JsonFormat.parser().merge(run.out(), metadata);
    assertEquals(0, run.exitCode(), run::err);
    assertEquals(server.models().current().orElseThrow().version(), metadata.getVersion());
  }

  @Test
  void load_smallRun_reportsEveryCallThroughputAndLatencyPercentiles() {
    Run run = run("load", "--target", target, "--requests", "300", "--concurrency", "16",
        "--max-delay", "1ms", "--min-timeout", "2s", "--max-timeout", "10s", "--invalid-percent", "10",
        "--seed", "7");

    assertEquals(0, run.exitCode(), run::err);
    String report = run.out();
    assertTrue(report.contains("300 planned, 300 completed"), report);
    Matcher outcome = Pattern.compile("outcome +(\\d+) ok, (\\d+) failed").matcher(report);
    assertTrue(outcome.find(), report);
    assertEquals(300, Integer.parseInt(outcome.group(1)) + Integer.parseInt(outcome.group(2)));
    assertTrue(Integer.parseInt(outcome.group(1)) > 0, report);
    assertTrue(report.contains("INVALID_ARGUMENT"), report);
    assertTrue(Pattern.compile("throughput +\\d+\\.\\d calls/s").matcher(report).find(), report);
    assertTrue(Pattern.compile("p50 [\\d.]+ ms +p90 [\\d.]+ ms +p99 [\\d.]+ ms").matcher(report).find(), report);
    assertTrue(run.err().contains("300/300 done"), run::err);
  }

  @Test
  void load_maxTimeoutBelowMinTimeout_isRefusedBeforeAnyCall() {
    Run run = run("load", "--target", target, "--min-timeout", "2s", "--max-timeout", "1s");

    assertEquals(ChurnCli.EXIT_INVALID, run.exitCode());
    assertTrue(run.err().contains("max-timeout"), run::err);
  }
}
