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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Envoy started by {@code scripts/envoy.sh} with the shipped {@code envoy/envoy.yaml} in
 * front of one gRPC server, so the tests exercise the script and configuration users run, not a
 * copy of them.
 *
 * <p>Both of Envoy's ports are 0 (the kernel picks free ones, so runs never collide) and hot
 * restart is off (no shared memory between runs). {@link #start} returns only once Envoy is
 * live and its health checks have found the server {@code SERVING}.
 */
final class EnvoyProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Pattern LISTENER_PORT =
      Pattern.compile("\"name\"\\s*:\\s*\"rest\".*?\"port_value\"\\s*:\\s*(\\d+)", Pattern.DOTALL);

  private final Process process;
  private final Path log;
  private final String scheme;
  private final int restPort;
  private final HttpClient admin;
  private final String adminAddress;

  private EnvoyProcess(Process process, Path log, String scheme, int restPort, HttpClient admin,
      String adminAddress) {
    this.process = process;
    this.log = log;
    this.scheme = scheme;
    this.restPort = restPort;
    this.admin = admin;
    this.adminAddress = adminAddress;
  }

  /** Starts Envoy in {@code workDir} with REST on 127.0.0.1, proxying to the server on {@code upstreamPort}. */
  static EnvoyProcess start(int upstreamPort, Path workDir) throws IOException, InterruptedException {
    return start(upstreamPort, workDir, List.of(), true);
  }

  /**
   * Starts Envoy through {@code scripts/envoy.sh}, as users start it, with {@code scriptOptions}
   * (for example {@code --tls-cert-file=...}) added to the test's ports and upstream. With
   * {@code awaitHealthyUpstream} false it returns once Envoy is live, whether or not its health
   * checks ever reach the server.
   */
  static EnvoyProcess start(int upstreamPort, Path workDir, List<String> scriptOptions,
      boolean awaitHealthyUpstream) throws IOException, InterruptedException {
    Path adminAddressFile = workDir.resolve("admin.address");
    Files.deleteIfExists(adminAddressFile);
    Path log = workDir.resolve("envoy.log");
    List<String> command = new ArrayList<>(List.of("bash", Tools.root().resolve("scripts/envoy.sh").toString(),
        "--rest-address=127.0.0.1",
        "--rest-port=0",
        "--admin-port=0",
        "--upstream=127.0.0.1:" + upstreamPort,
        "--config-file=" + workDir.resolve("envoy.yaml")));
    command.addAll(scriptOptions);
    command.addAll(List.of("--", "--concurrency", "1", "--admin-address-path", adminAddressFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ENVOY_LOG_LEVEL", "info");
    builder.environment().put("ENVOY", Tools.envoy().toString());
    Process process = builder.start();
    try {
      long deadline = System.nanoTime() + STARTUP.toNanos();
      String adminAddress = awaitAdminAddress(process, adminAddressFile, log, deadline);
      HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      awaitAdmin(process, admin, adminAddress, "/ready", body -> body.contains("LIVE"), log, deadline);
      if (awaitHealthyUpstream) {
        String healthy = "churnwire_grpc::127.0.0.1:" + upstreamPort + "::health_flags::healthy";
        awaitAdmin(process, admin, adminAddress, "/clusters", body -> body.contains(healthy), log, deadline);
      }
      String listeners = get(admin, adminAddress, "/listeners?format=json").body();
      Matcher port = LISTENER_PORT.matcher(listeners);
      if (!port.find()) {
        throw new IOException("Envoy reports no bound REST listener: " + listeners);
      }
      String scheme = scriptOptions.stream().anyMatch(option -> option.startsWith("--tls-cert-file="))
          ? "https" : "http";
      return new EnvoyProcess(process, log, scheme, Integer.parseInt(port.group(1)), admin, adminAddress);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  /** The REST URI of {@code pathAndQuery}, e.g. {@code /v1/model}; https when the listener has TLS. */
  URI rest(String pathAndQuery) {
    return URI.create(scheme + "://127.0.0.1:" + restPort + pathAndQuery);
  }

  /** The same REST resource over plain http, for showing that a TLS listener refuses it. */
  URI restWithoutTls(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + restPort + pathAndQuery);
  }

  /** The value of one of Envoy's counters or gauges, 0 when Envoy has not created it yet. */
  long stat(String name) throws IOException, InterruptedException {
    for (String line : get(admin, adminAddress, "/stats").body().split("\n")) {
      if (line.startsWith(name + ": ")) {
        return Long.parseLong(line.substring(name.length() + 2).trim());
      }
    }
    return 0;
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
