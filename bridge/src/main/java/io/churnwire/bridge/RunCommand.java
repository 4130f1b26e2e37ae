package io.churnwire.bridge;

import io.churnwire.telemetry.Logging;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code run}: starts a bridge and keeps it until SIGTERM or Ctrl-C, then stops it gracefully.
 * picocli only dispatches to this command; its arguments are the settings' flags, which
 * {@link BridgeConfig#resolve} reads with the environment and the properties file as every
 * Churnwire process does, so their defaults, variables and help are declared once.
 */
@Command(name = "run",
    description = "Consume PredictRequests, score them on the server, produce PredictResponses; record Outcomes. "
        + "run --help lists its settings.")
final class RunCommand implements Callable<Integer> {

  /** Everything after {@code run}, parsed by the settings' declarations rather than by picocli. */
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] arguments = args.toArray(String[]::new);
    if (BridgeSettings.RUN.helpRequested(arguments)) {
      System.out.println(BridgeSettings.RUN.help());
      return 0;
    }
    BridgeConfig config;
    try {
      config = BridgeConfig.resolve(arguments, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(BridgeSettings.RUN.command() + ": " + e.getMessage());
      return 2;
    }
    Logging.configure(config.telemetry().logFormat(), KafkaBridge.SERVICE_NAME);
    KafkaBridge bridge;
    try {
      bridge = KafkaBridge.start(config);
    } catch (IllegalArgumentException e) {
      System.err.println(BridgeSettings.RUN.command() + ": " + e.getMessage());
      return 2;
    } catch (UncheckedIOException e) {
      System.err.println(BridgeSettings.RUN.command() + ": " + e.getMessage());
      return 1;
    }
    var closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("bridge-shutdown").unstarted(() -> {
      bridge.close();
      System.err.println("Bridge stopped: " + bridge.stats());
      closed.countDown();
    }));
    while (!bridge.awaitTermination(Duration.ofSeconds(1))) {
      // The loop ends by itself only on a fatal error or, with on-undeliverable=exit, an undeliverable
      // answer; SIGTERM goes through the hook.
    }
    if (bridge.failure().isPresent()) {
      System.err.println("Bridge failed: " + bridge.failure().get());
      return 1;
    }
    closed.await();
    return 0;
  }
}
