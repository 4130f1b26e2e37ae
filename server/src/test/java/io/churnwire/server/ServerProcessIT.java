package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.ManagedChannel;
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
    RunningServer first = RunningServer.start(modelDir);
    double firstProbability = first.predictRisky();
    int exit = first.terminate();

    assertEquals(0, exit, () -> String.join("\n", first.output()));
    assertTrue(first.output().stream().anyMatch(line -> line.contains("churnwire: stopped")),
        () -> String.join("\n", first.output()));
    assertEquals(first.version + "\n", Files.readString(modelDir.resolve("production")),
        "the trained model was registered and promoted");
    assertTrue(Files.exists(modelDir.resolve("versions").resolve(first.version.replace(':', '-'))
        .resolve("metadata.json")), "the trained model was saved with its metadata");

    RunningServer second = RunningServer.start(modelDir);
    double secondProbability = second.predictRisky();
    second.terminate();

    assertEquals(first.version, second.version);
    assertEquals(firstProbability, secondProbability);
    assertTrue(second.output().stream().anyMatch(line -> line.contains("loading model from")),
        () -> String.join("\n", second.output()));
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

    static RunningServer start(Path modelDir) throws Exception {
      Path jar = Path.of(System.getProperty("churnwire.server.jar", "target/churnwire-server.jar"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path log = Files.createTempFile("churnwire-server", ".log");
      Process process = new ProcessBuilder(java.toString(), "-Xmx512m", "-jar", jar.toString(),
          "--host=127.0.0.1", "--port=0", "--model-dir=" + modelDir)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
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

    double predictRisky() throws InterruptedException {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(Customers.risky()).getPrediction().getChurnProbability();
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
