package io.churnwire.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The packaged bridge's {@code run} command as its own JVM, as users run it. */
final class BridgeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private BridgeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code churnwire-bridge run} with {@code flags}, its output in {@code log}. */
  static BridgeProcess start(List<String> flags, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
        "-jar", jar().toString(), "run"));
    command.addAll(flags);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    process.getOutputStream().close();
    return new BridgeProcess(process, log);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** What the bridge printed, for failure messages. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** SIGTERM (the bridge finishes what it holds), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Path jar() throws IOException {
    Path target = Tools.root().resolve("bridge/target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(file -> file.getFileName().toString().matches("churnwire-kafka-bridge-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no bridge jar in " + target
              + "; build with ./mvnw -pl observability -am verify, which packages the bridge first"));
    }
  }
}
