package io.churnwire.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Envoy in front of one server, started with {@code scripts/envoy.sh} as users start it (the
 * shipped {@code envoy/envoy.yaml}, REST and admin on free loopback ports); ready once its health
 * checks have found the server {@code SERVING}.
 */
final class EnvoyGateway implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final int restPort;

  private EnvoyGateway(Process process, Path log, int restPort) {
    this.process = process;
    this.log = log;
    this.restPort = restPort;
  }

  static EnvoyGateway start(Checkout checkout, int upstreamPort, Path log) throws IOException, InterruptedException {
    int restPort = freePort();
    int adminPort = freePort();
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", checkout.envoyScript().toString(),
        "--rest-address=127.0.0.1", "--rest-port=" + restPort, "--admin-port=" + adminPort,
        "--upstream=127.0.0.1:" + upstreamPort))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("ENVOY_LOG_LEVEL", "warn");
    Process process = builder.start();
    EnvoyGateway gateway = new EnvoyGateway(process, log, restPort);
    try {
      gateway.awaitReady(adminPort, upstreamPort);
      return gateway;
    } catch (IOException | InterruptedException | RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /** The REST URI of {@code pathAndQuery}, e.g. {@code /v1/model}. */
  URI rest(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + restPort + pathAndQuery);
  }

  boolean alive() {
    return process.isAlive();
  }

  private void awaitReady(int adminPort, int upstreamPort) throws IOException, InterruptedException {
    HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String healthy = "127.0.0.1:" + upstreamPort + "::health_flags::healthy";
    long deadline = System.nanoTime() + STARTUP.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Envoy exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        String ready = get(admin, adminPort, "/ready");
        String clusters = get(admin, adminPort, "/clusters");
        if (ready.contains("LIVE") && clusters.contains(healthy)) {
          return;
        }
        last = ready;
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IOException("Envoy was not ready within " + STARTUP.toSeconds() + " s (last: " + last + "):\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String get(HttpClient admin, int port, String path) throws IOException, InterruptedException {
    return admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A port free right now; Envoy binds it a moment later. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
  }
}
