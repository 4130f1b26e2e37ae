package io.churnwire.cli;

import static io.churnwire.cli.CliSettings.CONCURRENCY;
import static io.churnwire.cli.CliSettings.INVALID_PERCENT;
import static io.churnwire.cli.CliSettings.MAX_DELAY;
import static io.churnwire.cli.CliSettings.MAX_DURATION;
import static io.churnwire.cli.CliSettings.MAX_TIMEOUT;
import static io.churnwire.cli.CliSettings.MIN_TIMEOUT;
import static io.churnwire.cli.CliSettings.QUIET;
import static io.churnwire.cli.CliSettings.REQUESTS;
import static io.churnwire.cli.CliSettings.SEED;

import io.churnwire.client.ChurnClient;
import io.churnwire.config.Values;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Runs a {@link LoadGenerator} with a progress line on stderr and prints its report on stdout. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Sends random customers with random pauses and deadlines, asynchronously, and reports "
        + "throughput and latency percentiles. Stops by itself after --requests calls or --max-duration.")
final class LoadCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  /** Its settings ({@link CliSettings#LOAD}), listed by {@code --help}. */
  @Unmatched
  private List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Values> resolved = ChurnCli.resolve(CliSettings.LOAD, args, err);
    if (resolved.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    Values values = resolved.get();
    LoadGenerator.Settings settings;
    try {
      settings = new LoadGenerator.Settings(values.get(REQUESTS), values.get(CONCURRENCY), values.get(MAX_DELAY),
          values.get(MIN_TIMEOUT), values.get(MAX_TIMEOUT), values.get(INVALID_PERCENT), values.get(MAX_DURATION),
          values.get(SEED).orElseGet(System::nanoTime));
    } catch (IllegalArgumentException e) {
      err.println("churnwire: " + e.getMessage());
      return ChurnCli.EXIT_INVALID;
    }
    boolean quiet = values.get(QUIET);
    Optional<ChurnClient> connected = ChurnCli.connect(values, settings.maxTimeout(), err);
    if (connected.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    LoadGenerator generator = new LoadGenerator(settings);
    boolean terminal = System.console() != null && System.console().isTerminal();
    ScheduledExecutorService display = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "churnwire-load-progress");
      thread.setDaemon(true);
      return thread;
    });
    LoadReport report;
    try (ChurnClient client = connected.get()) {
      if (!quiet) {
        display.scheduleAtFixedRate(() -> show(err, generator.progress(), terminal, false), 1, 1,
            TimeUnit.SECONDS);
      }
      report = generator.run(client, values.get(CliSettings.TARGET));
    } finally {
      display.shutdownNow();
      display.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (!quiet) {
      show(err, generator.progress(), terminal, true);
    }
    out.print(report.format());
    out.flush();
    return report.ok() > 0 ? 0 : ChurnCli.EXIT_FAILED;
  }

  /** One progress line; on a terminal it overwrites the previous one until the last. */
  private static void show(PrintWriter err, LoadGenerator.Progress progress, boolean terminal, boolean last) {
    double seconds = progress.elapsed().toNanos() / 1e9;
    String line = String.format(Locale.ROOT, "%6.1f s  %d/%d done  %d ok  %d failed  %d in flight  %.0f calls/s",
        seconds, progress.completed(), progress.planned(), progress.ok(),
        progress.completed() - progress.ok(), progress.inFlight(),
        seconds == 0 ? 0 : progress.completed() / seconds);
    err.print((terminal ? "\r" : "") + line + (terminal && !last ? "" : System.lineSeparator()));
    err.flush();
  }
}
