package io.churnwire.cli;

import io.churnwire.client.ChurnClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs a {@link LoadGenerator} with a progress line on stderr and prints its report on stdout. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Sends random customers with random pauses and deadlines, asynchronously, and reports "
        + "throughput and latency percentiles. Stops by itself after --requests calls or --max-duration.")
final class LoadCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ConnectionOptions connection;

  @Option(names = "--requests", defaultValue = "1000", description = "Calls to make (default ${DEFAULT-VALUE}).")
  private int requests;

  @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight at most (default ${DEFAULT-VALUE}).")
  private int concurrency;

  @Option(names = "--max-delay", defaultValue = "2ms", converter = Converters.DurationConverter.class,
      description = "Upper bound of the random pause before each call (default ${DEFAULT-VALUE}).")
  private Duration maxDelay;

  @Option(names = "--min-timeout", defaultValue = "50ms", converter = Converters.DurationConverter.class,
      description = "Lower bound of each call's random deadline (default ${DEFAULT-VALUE}).")
  private Duration minTimeout;

  @Option(names = "--max-timeout", defaultValue = "1s", converter = Converters.DurationConverter.class,
      description = "Upper bound of each call's random deadline (default ${DEFAULT-VALUE}).")
  private Duration maxTimeout;

  @Option(names = "--invalid-percent", defaultValue = "0",
      description = "Percentage of calls sent with invalid features (default ${DEFAULT-VALUE}).")
  private int invalidPercent;

  @Option(names = "--max-duration", defaultValue = "60s", converter = Converters.DurationConverter.class,
      description = "Stop issuing calls after this long (default ${DEFAULT-VALUE}).")
  private Duration maxDuration;

  @Option(names = "--seed", description = "Seed of the random customers, pauses and deadlines (default: random).")
  private Long seed;

  @Option(names = "--quiet", description = "No progress display.")
  private boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadGenerator.Settings settings;
    try {
      settings = new LoadGenerator.Settings(requests, concurrency, maxDelay, minTimeout, maxTimeout,
          invalidPercent, maxDuration, seed == null ? System.nanoTime() : seed);
    } catch (IllegalArgumentException e) {
      err.println("churnwire: " + e.getMessage());
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
    try (ChurnClient client = connection.connect(maxTimeout)) {
      if (!quiet) {
        display.scheduleAtFixedRate(() -> show(err, generator.progress(), terminal, false), 1, 1,
            TimeUnit.SECONDS);
      }
      report = generator.run(client, connection.target);
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
