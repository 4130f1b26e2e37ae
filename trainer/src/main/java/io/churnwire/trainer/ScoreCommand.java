package io.churnwire.trainer;

import io.churnwire.client.ChurnClient;
import io.churnwire.client.ClientSecurity;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.trainer.score.BatchScorer;
import io.churnwire.trainer.score.BulkScoring;
import io.churnwire.trainer.score.BulkSummary;
import io.churnwire.trainer.score.Format;
import io.churnwire.trainer.score.ScoreProgress;
import io.churnwire.trainer.score.UnusableFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code score}: scores a whole customer file, in this process or through running servers. */
@Command(name = "score",
    description = "Scores every customer of a CSV or Parquet file into a result file with the customer id, "
        + "churn probability, decision, risk band and model version (and with --explain the top 3 factors). "
        + "Rows that fail the checks go to a rejects file with their line and reason; the run goes on. "
        + "Scores with the registry's production model in this process unless --target names servers.")
final class ScoreCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--input", required = true, paramLabel = "<file>", description = "Customers to score (.csv or .parquet).")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "<file>", description = "Where the results go (.csv or .parquet).")
  Path output;

  @Option(names = "--input-format", paramLabel = "csv|parquet", description = "The input's format; default: from its extension.")
  String inputFormat;

  @Option(names = "--output-format", paramLabel = "csv|parquet", description = "The output's format; default: from its extension.")
  String outputFormat;

  @Option(names = "--rejects", paramLabel = "<file>",
      description = "Where rows not scored go (CSV: line, customer_id, reason); default: <output name>.rejects.csv beside the output.")
  Path rejects;

  @Option(names = "--version", paramLabel = "<version>",
      description = "Registered version or unique prefix to score with; default: the production model.")
  String version;

  @Option(names = "--target", paramLabel = "<host:port>[,<host:port>...]", split = ",", hideParamSyntax = true,
      description = "Score through running servers with BatchPredict, round robin over several replicas.")
  List<String> targets;

  @Option(names = "--explain", description = "Add the top 3 factors of every score (costs far more than scoring).")
  boolean explain;

  @Option(names = "--threads", paramLabel = "<n>", description = "Scoring threads; default: the processors (${DEFAULT-VALUE}).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--batch-rows", paramLabel = "<n>", defaultValue = "4096", description = "Rows per batch; default: ${DEFAULT-VALUE}.")
  int batchRows;

  @Option(names = "--batch-items", paramLabel = "<n>", defaultValue = "1000",
      description = "With --target: items per BatchPredict call, at most the servers' --max-batch-items; default: ${DEFAULT-VALUE}.")
  int batchItems;

  @Option(names = "--deadline-seconds", paramLabel = "<s>", defaultValue = "60",
      description = "With --target: deadline of each BatchPredict call, retries included; default: ${DEFAULT-VALUE}.")
  long deadlineSeconds;

  @Option(names = "--tls", description = "With --target: speak TLS, trusting the system's authorities.")
  boolean tls;

  @Option(names = "--tls-ca-file", paramLabel = "<pem>", description = "With --target: authority the servers' certificates chain to (implies --tls).")
  Path caFile;

  @Option(names = "--tls-cert-file", paramLabel = "<pem>", description = "With --target: client certificate for mTLS (with --tls-key-file).")
  Path certFile;

  @Option(names = "--tls-key-file", paramLabel = "<pem>", description = "With --target: the client certificate's key.")
  Path keyFile;

  @Option(names = "--token-file", paramLabel = "<file>", description = "With --target: file whose first line is the bearer token.")
  Path tokenFile;

  @Option(names = "--json", paramLabel = "<file>", description = "Also write the closing summary as JSON to this file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    BulkScoring.Job job;
    BatchScorer scorer;
    try {
      job = new BulkScoring.Job(input, format(inputFormat, input, "--input-format"), output,
          format(outputFormat, output, "--output-format"),
          rejects != null ? rejects : BulkScoring.Job.rejectsBeside(output), explain, threads, batchRows);
      scorer = targets == null ? inProcess() : remote();
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return TrainerMain.USAGE;
    }
    BulkSummary summary;
    Duration cpuBefore = processCpu();
    try (scorer) {
      summary = BulkScoring.run(job, scorer, new ScoreProgress(err, System.console() != null));
    } catch (UnusableFileException e) {
      err.println("error: " + e.getMessage());
      return TrainerMain.USAGE;
    }
    Duration cpu = processCpu().minus(cpuBefore);
    print(spec.commandLine().getOut(), summary);
    if (json != null) {
      Files.writeString(json, json(summary, cpu, job.threads()), StandardCharsets.UTF_8);
    }
    return 0;
  }

  private BatchScorer inProcess() throws IOException {
    ModelRegistry models = ModelRegistry.at(registry.registry);
    String resolved;
    try {
      resolved = version != null ? models.resolve(version) : models.production()
          .orElseThrow(() -> new IllegalArgumentException("no production model in " + registry.registry
              + "; promote one or name --version (see: churnwire-model list)"));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("no model registry at " + registry.registry, e);
    }
    ChurnModel model = models.load(resolved);
    return BatchScorer.inProcess(model);
  }

  private BatchScorer remote() throws IOException {
    if (version != null) {
      throw new IllegalArgumentException("--version picks a model of the registry; with --target the servers' model scores");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("--tls-cert-file and --tls-key-file go together; give both or neither");
    }
    ClientSecurity security = ClientSecurity.fromOptions(tls, Optional.ofNullable(caFile), Optional.ofNullable(certFile),
        Optional.ofNullable(keyFile), Optional.empty(), Optional.ofNullable(tokenFile));
    if (deadlineSeconds < 1) {
      throw new IllegalArgumentException("--deadline-seconds must be at least 1, got " + deadlineSeconds);
    }
    ChurnClient client = ChurnClient.builder(targets).security(security)
        .deadline(Duration.ofSeconds(deadlineSeconds)).build();
    return BatchScorer.remote(client, String.join(",", targets), batchItems);
  }

  private static Format format(String given, Path file, String option) {
    if (given == null) {
      return Format.of(file);
    }
    try {
      return Format.valueOf(given.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " must be one of " + Arrays.toString(Format.values())
          .toLowerCase(Locale.ROOT) + ", got '" + given + "'");
    }
  }

  private static void print(PrintWriter out, BulkSummary s) {
    out.printf(Locale.ROOT, "read        %,d rows%n", s.read());
    out.printf(Locale.ROOT, "scored      %,d%n", s.scored());
    out.printf(Locale.ROOT, "rejected    %,d  (%s)%n", s.rejected(), s.rejects());
    out.printf(Locale.ROOT, "rate        %,.0f rows/s  (%.2f s)%n", s.rowsPerSecond(), s.elapsed().toNanos() / 1e9);
    out.printf(Locale.ROOT, "model       %s%n", s.modelVersions().isEmpty() ? "-" : String.join(", ", s.modelVersions()));
    out.printf(Locale.ROOT, "scored by   %s%n", s.scoredBy());
    out.printf(Locale.ROOT, "output      %s%n", s.output());
  }

  /** The CPU time this process has used, all threads; zero where the platform does not tell. */
  private static Duration processCpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static String json(BulkSummary s, Duration cpu, int threads) {
    return String.format(Locale.ROOT, "{\"rows_read\":%d,\"rows_scored\":%d,\"rows_rejected\":%d,\"seconds\":%.3f,"
            + "\"rows_per_second\":%.0f,\"cpu_seconds\":%.3f,\"threads\":%d,\"model_versions\":[%s]}%n",
        s.read(), s.scored(), s.rejected(), s.elapsed().toNanos() / 1e9, s.rowsPerSecond(), cpu.toNanos() / 1e9,
        threads, String.join(",", s.modelVersions().stream().map(v -> "\"" + v + "\"").toList()));
  }
}
