package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.PredictionStores;
import io.churnwire.history.TimeRange;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.Customers;
import io.churnwire.training.DeployCheck;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server as an operator runs it: {@code java -jar}, then SIGTERM. */
class ServerProcessIT {
  private static final Pattern LISTENING = Pattern.compile("churnwire: listening on [^:]+:(\\d+), serving model (\\S+)");

  @Test
  void sigterm_drainsAndExitsZero_andARestartServesTheSavedModelIdentically(@TempDir Path modelDir)
      throws Exception {
    ModelRegistry registry = ModelRegistry.at(modelDir);
    String promoted = TestModels.smallResult().registerIn(registry, null).version();
    registry.promote(promoted, DeployCheck.defaults());
    RunningServer first = RunningServer.start(modelDir);
    double firstProbability = first.predictRisky();
    int exit = first.terminate();

    assertEquals(0, exit, () -> String.join("\n", first.output()));
    assertTrue(first.output().stream().anyMatch(line -> line.contains("churnwire: stopped")),
        () -> String.join("\n", first.output()));
    assertEquals(promoted, first.version, "the server serves the production version");
    assertEquals(1, first.output().stream().filter(line -> line.contains("the server runs open")).count(),
        () -> String.join("\n", first.output()));
    assertEquals(1, first.output().stream().filter(line -> line.contains("both ports run plaintext")).count(),
        () -> String.join("\n", first.output()));
    assertTrue(first.output().stream()
            .anyMatch(line -> line.matches("churnwire: admin \\(ModelAdminService\\) on 127\\.0\\.0\\.1:\\d+")),
        () -> String.join("\n", first.output()));

    RunningServer second = RunningServer.start(modelDir);
    double secondProbability = second.predictRisky();
    second.terminate();

    assertEquals(first.version, second.version);
    assertEquals(firstProbability, secondProbability);
    assertTrue(second.output().stream().anyMatch(line -> line.contains("loading model from")),
        () -> String.join("\n", second.output()));
  }

  @Test
  void sigterm_writesEveryAnsweredPredictionToTheHistoryBeforeItExits(@TempDir Path modelDir, @TempDir Path historyDir)
      throws Exception {
    ModelRegistry registry = ModelRegistry.at(modelDir);
    registry.promote(TestModels.smallResult().registerIn(registry, null).version(), DeployCheck.defaults());
    Path history = historyDir.resolve("predictions.duckdb");
    RunningServer server = RunningServer.start(modelDir, history);

    int answered = server.predictBatches(20, 1_000);
    int exit = server.terminate();

    assertEquals(0, exit, () -> String.join("\n", server.output()));
    assertEquals(20_000, answered);
    try (PredictionStore store = PredictionStores.open(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + history))) {
      assertEquals(answered, store.stats(TimeRange.ALL).overall().count(),
          () -> "every answered prediction is in the history:\n" + String.join("\n", server.output()));
    }
  }

  @Test
  void sigtermWithADrainDelay_turnsHealthNotServingWhileCallsAreStillAnswered_andASecondSigtermEndsIt(
      @TempDir Path modelDir, @TempDir Path historyDir) throws Exception {
    ModelRegistry registry = ModelRegistry.at(modelDir);
    registry.promote(TestModels.smallResult().registerIn(registry, null).version(), DeployCheck.defaults());
    // A delay far longer than the test: only the second SIGTERM can end it.
    RunningServer server = RunningServer.start(modelDir, historyDir.resolve("predictions.duckdb"),
        "--drain-delay-seconds=3600");
    ManagedChannel open = NettyChannelBuilder.forAddress("127.0.0.1", server.port).usePlaintext().build();
    try {
      assertEquals(ServingStatus.SERVING, server.health(open, ""));
      ChurnServiceGrpc.newBlockingStub(open).withDeadlineAfter(10, TimeUnit.SECONDS).predict(Customers.risky());

      server.process.destroy();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (server.health(open, "churnwire.v1.ChurnService") != ServingStatus.NOT_SERVING
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      assertEquals(ServingStatus.NOT_SERVING, server.health(open, "churnwire.v1.ChurnService"));
      assertEquals(ServingStatus.NOT_SERVING, server.health(open, ""), "every service at once");
      assertTrue(server.process.isAlive(), () -> String.join("\n", server.output()));
      // During the delay the server still serves: on the connection that was open, and on a new one.
      double onOpen = ChurnServiceGrpc.newBlockingStub(open).withDeadlineAfter(10, TimeUnit.SECONDS)
          .predict(Customers.risky()).getPrediction().getChurnProbability();
      double onNew = server.predictRisky();
      assertEquals(onOpen, onNew);
      assertTrue(server.output().stream().anyMatch(line -> line.contains("still serving for 3600 s")),
          () -> String.join("\n", server.output()));

      server.process.destroy();
      assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), () -> String.join("\n", server.output()));
      assertEquals(0, server.process.exitValue(), () -> String.join("\n", server.output()));
      List<String> output = server.output();
      assertTrue(output.stream().anyMatch(line -> line.contains("drain delay ended early")), String.join("\n", output));
      assertTrue(output.stream().anyMatch(line -> line.contains("churnwire: stopped")), String.join("\n", output));
    } finally {
      open.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.process.destroyForcibly();
    }
  }

  @Test
  void emptyModelDirectory_exitsNonZeroNamingTheCommandThatTrainsTheDemoModel(@TempDir Path modelDir)
      throws Exception {
    Path log = Files.createTempFile("churnwire-server", ".log");
    Process process = RunningServer.launch(modelDir, log);

    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server gave up");
    String output = Files.readString(log);
    assertEquals(1, process.exitValue(), output);
    assertTrue(output.contains("scripts/churnwire-model.sh init --demo --registry " + modelDir), output);
    assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
  }

  @Test
  void badLineInTheTokensFile_exitsNonZeroNamingTheLine(@TempDir Path modelDir) throws Exception {
    Path tokens = Files.writeString(modelDir.resolve("tokens"), "# operators\n"
        + "sha256:" + "ab".repeat(32) + " admin\n"
        + "sha256:tooshort predict\n");
    Path log = Files.createTempFile("churnwire-server", ".log");
    Process process = RunningServer.launch(modelDir, log, "--auth-tokens-file=" + tokens);

    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server gave up");
    String output = Files.readString(log);
    assertEquals(1, process.exitValue(), output);
    assertTrue(output.contains("auth-tokens-file " + tokens + ": line 3: sha256: must be followed by 64 lowercase"
        + " hex digits"), output);
    assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
  }

  @Test
  void serverJar_holdsNoSmileNoTrainerAndNoCodeOfOursThatReadsJavaObjectStreams() throws Exception {
    Path jar = Path.of(System.getProperty("churnwire.server.jar", "target/churnwire-server.jar"));
    List<String> offending = new java.util.ArrayList<>();
    int ownClasses = 0;
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      for (var entries = zip.entries(); entries.hasMoreElements(); ) {
        var entry = entries.nextElement();
        String name = entry.getName();
        if (name.startsWith("smile/") || name.startsWith("io/churnwire/training/")) {
          offending.add(name);
        } else if (name.startsWith("io/churnwire/") && name.endsWith(".class")) {
          ownClasses++;
          String constants = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
          if (constants.contains("java/io/ObjectInputStream")) {
            offending.add(name + " refers to java.io.ObjectInputStream");
          }
        }
      }
    }
    assertTrue(ownClasses > 50, "the jar holds the server's classes: " + ownClasses);
    assertEquals(List.of(), offending);
  }

  private static final class RunningServer {
    final Process process;
    final Path log;
    int port;
    String version;

    private RunningServer(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static Process launch(Path modelDir, Path log, String... flags) throws IOException {
      return launch(modelDir, Files.createTempDirectory("churnwire-history").resolve("predictions.duckdb"), log,
          flags);
    }

    static Process launch(Path modelDir, Path history, Path log, String... flags) throws IOException {
      Path jar = Path.of(System.getProperty("churnwire.server.jar", "target/churnwire-server.jar"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx512m", "-jar", jar.toString(),
          "--host=127.0.0.1", "--port=0", "--admin-port=0", "--metrics-port=0", "--model-dir=" + modelDir,
          "--history-url=jdbc:duckdb:" + history));
      command.addAll(List.of(flags));
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    }

    static RunningServer start(Path modelDir) throws Exception {
      return start(modelDir, Files.createTempDirectory("churnwire-history").resolve("predictions.duckdb"));
    }

    static RunningServer start(Path modelDir, Path history, String... flags) throws Exception {
      Path log = Files.createTempFile("churnwire-server", ".log");
      Process process = launch(modelDir, history, log, flags);
      RunningServer server = new RunningServer(process, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (server.port == 0 && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        for (String line : server.output()) {
          Matcher matcher = LISTENING.matcher(line);
          if (matcher.find()) {
            server.port = Integer.parseInt(matcher.group(1));
            server.version = matcher.group(2);
          }
        }
      }
      if (server.port == 0) {
        process.destroyForcibly();
        throw new IOException("server did not start:\n" + String.join("\n", server.output()));
      }
      return server;
    }

    List<String> output() {
      try {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** The health status of {@code service}, or {@code UNKNOWN} when the call fails. */
    ServingStatus health(ManagedChannel channel, String service) {
      try {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
      } catch (RuntimeException e) {
        return ServingStatus.UNKNOWN;
      }
    }

    double predictRisky() throws InterruptedException {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(Customers.risky()).getPrediction().getChurnProbability();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    /** Scores {@code batches} {@code BatchPredict} calls of {@code size} customers; returns how many were answered. */
    int predictBatches(int batches, int size) throws InterruptedException {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        int answered = 0;
        for (int i = 0; i < batches; i++) {
          BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
          List<PredictRequest> customers = Customers.varied(size);
          for (int k = 0; k < customers.size(); k++) {
            batch.addItems(Customers.item(i + "-" + k, customers.get(k)));
          }
          answered += (int) ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
              .batchPredict(batch.build()).getResultsList().stream().filter(result -> result.hasResponse()).count();
        }
        return answered;
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    int terminate() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    }
  }
}
