package io.churnwire.envoy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Envoy running the shipped {@code envoy/envoy.yaml} in front of one gRPC server, so the
 * tests exercise the configuration users run, not a copy of it.
 *
 * <p>Both of Envoy's ports are 0 (the kernel picks free ones, so runs never collide) and hot
 * restart is off (no shared memory between runs). {@link #start} returns only once Envoy is
 * live and its health checks have found the server {@code SERVING}.
 */
final class EnvoyProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Z_]+}");
  private static final Pattern LISTENER_PORT =
      Pattern.compile("\"name\"\\s*:\\s*\"rest\".*?\"port_value\"\\s*:\\s*(\\d+)", Pattern.DOTALL);

  private final Process process;
  private final Path log;
  private final int restPort;

  private EnvoyProcess(Process process, Path log, int restPort) {
    this.process = process;
    this.log = log;
    this.restPort = restPort;
  }

  /** Starts Envoy in {@code workDir} with REST on 127.0.0.1, proxying to the server on {@code upstreamPort}. */
  static EnvoyProcess start(int upstreamPort, Path workDir) throws IOException, InterruptedException {
    Path config = workDir.resolve("envoy.yaml");
    Files.writeString(config, render(Map.of(
        "REST_ADDRESS", "127.0.0.1",
        "REST_PORT", "0",
        "ADMIN_PORT", "0",
        "UPSTREAM_HOST", "127.0.0.1",
        "UPSTREAM_PORT", Integer.toString(upstreamPort),
        "DESCRIPTOR", Tools.descriptorSet().toString())));
    Path adminAddressFile = workDir.resolve("admin.address");
    Path log = workDir.resolve("envoy.log");
    Process process = new ProcessBuilder(List.of(Tools.envoy().toString(),
        "--config-path", config.toString(),
        "--disable-hot-restart",
        "--concurrency", "1",
        "--log-level", "info",
        "--admin-address-path", adminAddressFile.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + STARTUP.toNanos();
      String adminAddress = awaitAdminAddress(process, adminAddressFile, log, deadline);
      HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      awaitAdmin(process, admin, adminAddress, "/ready", body -> body.contains("LIVE"), log, deadline);
      String healthy = "churnwire_grpc::127.0.0.1:" + upstreamPort + "::health_flags::healthy";
      awaitAdmin(process, admin, adminAddress, "/clusters", body -> body.contains(healthy), log, deadline);
      String listeners = get(admin, adminAddress, "/listeners?format=json").body();
      Matcher port = LISTENER_PORT.matcher(listeners);
      if (!port.find()) {
        throw new IOException("Envoy reports no bound REST listener: " + listeners);
      }
      return new EnvoyProcess(process, log, Integer.parseInt(port.group(1)));
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  /** {@code envoy/envoy.yaml} with every {@code ${NAME}} replaced; fails on a placeholder left over. */
  static String render(Map<String, String> values) throws IOException {
    String template = Files.readString(Tools.root().resolve("envoy/envoy.yaml"), StandardCharsets.UTF_8);
    for (Map.Entry<String, String> value : values.entrySet()) {
      template = template.replace("${" + value.getKey() + "}", value.getValue());
    }
    Matcher leftover = PLACEHOLDER.matcher(template);
    if (leftover.find()) {
      throw new IllegalArgumentException("envoy.yaml placeholder " + leftover.group() + " has no value");
    }
    return template;
  }

  /** The REST URI of {@code pathAndQuery}, e.g. {@code /v1/model}. */
  URI rest(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + restPort + pathAndQuery);
  }

  /** Envoy's own log and access log, for failure messages. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(process);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private static String awaitAdminAddress(Process process, Path file, Path log, long deadline)
      throws IOException, InterruptedException {
    while (true) {
      if (Files.isRegularFile(file)) {
        String address = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!address.isEmpty()) {
          return address;
        }
      }
      checkAlive(process, log, deadline, "write its admin address");
      Thread.sleep(50);
    }
  }

  private static void awaitAdmin(Process process, HttpClient admin, String address, String path,
      Predicate<String> ready, Path log, long deadline)
      throws IOException, InterruptedException {
    String last = "";
    while (true) {
      try {
        HttpResponse<String> response = get(admin, address, path);
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200 && ready.test(response.body())) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      checkAlive(process, log, deadline, "answer " + path + " as ready (last answer: " + last + ")");
      Thread.sleep(100);
    }
  }

  private static HttpResponse<String> get(HttpClient admin, String address, String path)
      throws IOException, InterruptedException {
    return admin.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
            .timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void checkAlive(Process process, Path log, long deadline, String waitingFor)
      throws IOException {
    if (!process.isAlive()) {
      throw new IOException("Envoy exited with " + process.exitValue() + " before it could "
          + waitingFor + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    if (System.nanoTime() > deadline) {
      throw new IOException("Envoy did not " + waitingFor + " within " + STARTUP.toSeconds()
          + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
  }
}
