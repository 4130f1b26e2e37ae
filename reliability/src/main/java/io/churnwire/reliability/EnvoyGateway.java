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
 * Envoy in front of the servers: of one, started with {@code scripts/envoy.sh} as users start it
 * (the shipped {@code envoy/envoy.yaml}, REST and admin on free loopback ports), or of several
 * replicas with a {@link ReplicaRouting}; ready once its health checks have found every server
 * {@code SERVING}. Its admin API tells which servers it routes to.
 */
final class EnvoyGateway implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** The cluster of gRPC servers, in both configurations. */
  private static final String CLUSTER = "churnwire_grpc";

  private final Process process;
  private final Path log;
  private final int restPort;
  private final int adminPort;
  private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private EnvoyGateway(Process process, Path log, int restPort, int adminPort) {
    this.process = process;
    this.log = log;
    this.restPort = restPort;
    this.adminPort = adminPort;
  }

  static EnvoyGateway start(Checkout checkout, int upstreamPort, Path log) throws IOException, InterruptedException {
    int restPort = freePort();
    int adminPort = freePort();
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", checkout.envoyScript().toString(),
        "--rest-address=127.0.0.1", "--rest-port=" + restPort, "--admin-port=" + adminPort,
        "--upstream=127.0.0.1:" + upstreamPort))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("ENVOY_LOG_LEVEL", "warn");
    return ready(new EnvoyGateway(builder.start(), log, restPort, adminPort), List.of(upstreamPort));
  }

  /**
   * Envoy in front of the replicas on {@code upstreamPorts}, routing as {@code routing} says, its
   * configuration rendered to {@code config}; gRPC and REST share {@code listenPort}, which
   * clients may have been given before Envoy started.
   */
  static EnvoyGateway startInFront(Checkout checkout, ReplicaRouting routing, int listenPort,
      List<Integer> upstreamPorts, Path config, Path log) throws IOException, InterruptedException {
    int adminPort = freePort();
    Files.writeString(config, routing.render(listenPort, adminPort, upstreamPorts, checkout.descriptorSet()),
        StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(List.of(checkout.envoyBinary().toString(), "--config-path",
        config.toString(), "--disable-hot-restart", "--log-level", "warn"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return ready(new EnvoyGateway(process, log, listenPort, adminPort), upstreamPorts);
  }

  private static EnvoyGateway ready(EnvoyGateway gateway, List<Integer> upstreamPorts)
      throws IOException, InterruptedException {
    try {
      gateway.awaitReady(upstreamPorts);
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

  /** The listener's port: REST, and native gRPC on the same port. */
  int port() {
    return restPort;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Whether Envoy's health checks count the server on {@code upstreamPort} healthy right now. */
  boolean routesTo(int upstreamPort) throws IOException, InterruptedException {
    return adminGet("/clusters").contains(CLUSTER + "::127.0.0.1:" + upstreamPort + "::health_flags::healthy\n");
  }

  /** Calls the server on {@code upstreamPort} answered through Envoy so far (its {@code rq_success}). */
  long successesOf(int upstreamPort) throws IOException, InterruptedException {
    String prefix = CLUSTER + "::127.0.0.1:" + upstreamPort + "::rq_success::";
    return adminGet("/clusters").lines().filter(line -> line.startsWith(prefix))
        .mapToLong(line -> Long.parseLong(line.substring(prefix.length()).strip())).sum();
  }

  /** A counter of Envoy's gRPC cluster, e.g. {@code upstream_rq_retry}; 0 when it has none. */
  long clusterCounter(String name) throws IOException, InterruptedException {
    String stat = "cluster." + CLUSTER + "." + name + ": ";
    return adminGet("/stats?filter=" + name).lines()
        .filter(line -> line.startsWith(stat))
        .mapToLong(line -> Long.parseLong(line.substring(stat.length()).strip())).sum();
  }

  private void awaitReady(List<Integer> upstreamPorts) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Envoy exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        String ready = adminGet("/ready");
        boolean allHealthy = true;
        for (int port : upstreamPorts) {
          allHealthy &= routesTo(port);
        }
        if (ready.contains("LIVE") && allHealthy) {
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

  private String adminGet(String path) throws IOException, InterruptedException {
    return admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
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
    admin.close();
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
  }
}
