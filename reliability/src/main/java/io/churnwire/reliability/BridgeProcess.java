package io.churnwire.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The bridge's {@code run} command as its own JVM, so it can be killed with SIGKILL like a real crash. */
final class BridgeProcess implements AutoCloseable {
  private final Process process;

  private BridgeProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code churnwire-bridge run} with {@code flags}, appending its output to {@code log}. */
  static BridgeProcess start(Checkout checkout, List<String> flags, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Checkout.jdkTool("java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
        "-jar", checkout.bridgeJar().toString(), "run"));
    command.addAll(flags);
    // A free metrics port: the campaign never contends for the bridge's fixed 9465.
    command.addAll(List.of("--metrics-port", "0"));
    return new BridgeProcess(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
  }

  /** SIGKILL: no drain, no commit, no goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the bridge did not die within 30 s of SIGKILL");
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM (the bridge finishes what it holds), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
