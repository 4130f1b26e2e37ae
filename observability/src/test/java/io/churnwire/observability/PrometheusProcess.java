package io.churnwire.observability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server in its own directory (configuration, TSDB and log), on a free loopback
 * port, queried through its HTTP API. It never touches a system Prometheus or its port 9090.
 */
final class PrometheusProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final int BIND_ATTEMPTS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A scrape job of the generated configuration: one target at {@code host:port}. */
  record Job(String name, String target) {}

  private final Process process;
  private final Path log;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusProcess(Process process, Path log, URI base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  /**
   * Starts Prometheus in {@code workDir} scraping {@code jobs} and evaluating {@code ruleFiles}
   * every {@code interval}; returns once it answers ready.
   */
  static PrometheusProcess start(Path workDir, Duration interval, List<Path> ruleFiles, List<Job> jobs)
      throws IOException, InterruptedException {
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, configuration(interval, ruleFiles, jobs), StandardCharsets.UTF_8);
    IOException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      try {
        return startOnce(workDir, config, freePort());
      } catch (PortTakenException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The configuration file Prometheus runs with, in YAML. */
  static String configuration(Duration interval, List<Path> ruleFiles, List<Job> jobs) {
    String seconds = interval.toSeconds() + "s";
    return "global:\n"
        + "  scrape_interval: " + seconds + "\n"
        + "  scrape_timeout: " + seconds + "\n"
        + "  evaluation_interval: " + seconds + "\n"
        + "rule_files:\n"
        + ruleFiles.stream().map(file -> "  - \"" + file.toAbsolutePath() + "\"\n").collect(Collectors.joining())
        + "scrape_configs:\n"
        + jobs.stream().map(job -> "  - job_name: " + job.name() + "\n"
            + "    static_configs:\n"
            + "      - targets: [\"" + job.target() + "\"]\n").collect(Collectors.joining());
  }

  private static PrometheusProcess startOnce(Path workDir, Path config, int port)
      throws IOException, InterruptedException {
    Path log = workDir.resolve("prometheus.log");
    Path data = Files.createDirectories(workDir.resolve("data-" + port));
    Process process = new ProcessBuilder(Tools.prometheus().toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + data,
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=info")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    process.getOutputStream().close();
    PrometheusProcess prometheus = new PrometheusProcess(process, log, URI.create("http://127.0.0.1:" + port));
    try {
      prometheus.awaitReady();
      return prometheus;
    } catch (IOException | InterruptedException | RuntimeException e) {
      prometheus.close();
      throw e;
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String output = log();
        if (output.contains("address already in use")) {
          throw new PortTakenException(output);
        }
        throw new IOException("prometheus exited with " + process.exitValue() + ":\n" + output);
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("prometheus was not ready within " + STARTUP.toSeconds() + " s:\n" + log());
      }
      Thread.sleep(100);
    }
  }

  /** The {@code data.result} of an instant query; fails with Prometheus's error when it has one. */
  JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return answer.path("data").path("result");
  }

  /**
   * The value of a query that answers one sample, such as {@code sum(...)}; NaN when it answers
   * none.
   */
  double value(String promql) throws IOException, InterruptedException {
    JsonNode result = query(promql);
    if (result.isEmpty()) {
      return Double.NaN;
    }
    if (result.size() > 1) {
      throw new IllegalStateException(promql + " answers " + result.size() + " samples: " + result);
    }
    return Double.parseDouble(result.get(0).path("value").get(1).asString());
  }

  /**
   * Queries {@code promql} until its value passes {@code until} or {@code timeout} runs out, and
   * returns the last value, so the caller asserts on what Prometheus really holds.
   */
  double awaitValue(String promql, DoublePredicate until, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    double value = value(promql);
    while (!until.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      value = value(promql);
    }
    return value;
  }

  /** The rule groups Prometheus loaded, with each rule's health and last error. */
  JsonNode ruleGroups() throws IOException, InterruptedException {
    return api("/api/v1/rules").path("data").path("groups");
  }

  /** Every metric name Prometheus holds a series of. */
  List<String> metricNames() throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (JsonNode name : api("/api/v1/label/__name__/values").path("data")) {
      names.add(name.asString());
    }
    return names;
  }

  /** Prometheus's own log, for failure messages. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = get(pathAndQuery);
    JsonNode answer = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(answer.path("status").asString())) {
      throw new PrometheusQueryException(pathAndQuery, response.statusCode(), answer.path("errorType").asString(),
          answer.path("error").asString());
    }
    return answer;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Prometheus refused a query; its message names what is wrong with the expression. */
  static final class PrometheusQueryException extends IOException {
    PrometheusQueryException(String request, int status, String type, String error) {
      super("prometheus answered " + status + " " + type + " to " + request + ": " + error);
    }
  }

  /** The free port was taken between finding it and Prometheus binding it. */
  private static final class PortTakenException extends IOException {
    PortTakenException(String log) {
      super("the port was taken before prometheus could bind it:\n" + log);
    }
  }
}
