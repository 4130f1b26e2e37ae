package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.churnwire.client.ChurnClient;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.GetPredictionStatsResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code churnwire stats} against the real server on Netty recording into a DuckDB file of its
 * own, which holds exactly the predictions this class makes.
 */
class StatsCommandTest {
  private static final int PREDICTIONS = 3;

  private static ServerApplication server;
  private static String target;

  @BeforeAll
  static void startAndPredict() throws Exception {
    Path history = Files.createTempDirectory("churnwire-cli-history").resolve("predictions.duckdb");
    server = ServerApplication.start(config().withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + history)));
    target = "127.0.0.1:" + server.port();
    try (ChurnClient client = ChurnClient.connect(target)) {
      Customers.varied(PREDICTIONS).forEach(client::predict);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (client.insights().predictionStats().getOverall().getPredictionCount() < PREDICTIONS) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the recorder did not write " + PREDICTIONS + " predictions");
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ServerConfig config() {
    return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withModelDir(DemoRegistry.shared());
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

  @Test
  void stats_printTheCountsAsJsonWithProtoFieldNames() throws Exception {
    Run run = run("stats", "--target", target, "--timeout", "20s");

    assertEquals(0, run.exitCode(), run::err);
    assertTrue(run.out().contains("\"prediction_count\": \"" + PREDICTIONS + "\""), run::out);
    GetPredictionStatsResponse.Builder stats = GetPredictionStatsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), stats);
    assertEquals(PREDICTIONS, stats.getOverall().getPredictionCount());
  }

  @Test
  void stats_fromTomorrow_countNone() throws Exception {
    Run run = run("stats", "--target", target, "--start-time", Instant.now().plus(Duration.ofDays(1)).toString());

    GetPredictionStatsResponse.Builder stats = GetPredictionStatsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), stats);
    assertEquals(0, run.exitCode(), run::err);
    assertEquals(0, stats.getOverall().getPredictionCount());
  }

  @Test
  void stats_endBeforeStart_exitsTwoNamingEndTime() {
    Run run = run("stats", "--target", target, "--start-time", "2026-12-01T12:00:00Z",
        "--end-time", "2026-12-01T11:00:00Z");

    assertEquals(ChurnCli.EXIT_INVALID, run.exitCode());
    assertTrue(run.err().contains("  end_time: "), run::err);
  }

  @Test
  void stats_serverWithHistoryOff_exitsOneSayingSo() throws Exception {
    try (ServerApplication off = ServerApplication.start(config().withHistory(HistoryConfig.off()))) {
      Run run = run("stats", "--target", "127.0.0.1:" + off.port(), "--timeout", "20s");

      assertEquals(ChurnCli.EXIT_FAILED, run.exitCode());
      assertTrue(run.err().contains("FAILED_PRECONDITION"), run::err);
    }
  }
}
