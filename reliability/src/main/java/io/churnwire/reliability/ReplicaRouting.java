package io.churnwire.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Envoy spreads calls over several server replicas: how often it health-checks each, after
 * how many failed checks it takes one out, and whether it retries a refused call on another one.
 * Renders the topology's Envoy configuration ({@code topology-envoy.yaml}) from those.
 *
 * @param healthCheckInterval time between two health checks of a replica
 * @param unhealthyThreshold  failed checks that take a replica out of rotation
 * @param retries             whether calls refused by a stopping replica are retried elsewhere
 */
record ReplicaRouting(Duration healthCheckInterval, int unhealthyThreshold, boolean retries) {
  private static final String TEMPLATE = "topology-envoy.yaml";
  private static final Pattern RETRIES_BLOCK =
      Pattern.compile("(?ms)^[ \\t]*# BEGIN RETRIES$.*?^[ \\t]*# END RETRIES\\n");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Z_]+}");

  ReplicaRouting {
    if (healthCheckInterval.toMillis() < 1 || unhealthyThreshold < 1) {
      throw new IllegalArgumentException("health checks need an interval of at least 1 ms and a threshold of"
          + " at least 1, got " + healthCheckInterval + " and " + unhealthyThreshold);
    }
  }

  /**
   * The longest a replica whose health turned {@code NOT_SERVING} keeps getting new calls:
   * {@code unhealthyThreshold} checks, {@code healthCheckInterval} apart. A drain delay must be
   * longer.
   */
  Duration outOfRotationWithin() {
    return healthCheckInterval.multipliedBy(unhealthyThreshold);
  }

  /**
   * The configuration of an Envoy listening on {@code listenPort} (gRPC and REST) and
   * {@code adminPort}, in front of the servers on {@code upstreamPorts} of 127.0.0.1.
   */
  String render(int listenPort, int adminPort, List<Integer> upstreamPorts, Path descriptor) {
    if (upstreamPorts.isEmpty()) {
      throw new IllegalArgumentException("Envoy needs at least one server to route to");
    }
    String config = template();
    if (!retries) {
      config = RETRIES_BLOCK.matcher(config).replaceAll("");
    }
    StringBuilder endpoints = new StringBuilder();
    for (int port : upstreamPorts) {
      endpoints.append("        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
          .append(port).append(" } } }\n");
    }
    config = config.replace("${LISTEN_PORT}", Integer.toString(listenPort))
        .replace("${ADMIN_PORT}", Integer.toString(adminPort))
        .replace("${DESCRIPTOR}", descriptor.toAbsolutePath().toString())
        .replace("${ENDPOINTS}\n", endpoints.toString())
        .replace("${HEALTH_INTERVAL}", healthCheckInterval.toMillis() / 1000.0 + "s")
        .replace("${UNHEALTHY_THRESHOLD}", Integer.toString(unhealthyThreshold));
    Matcher leftover = PLACEHOLDER.matcher(config);
    if (leftover.find()) {
      throw new IllegalStateException("placeholder " + leftover.group() + " of " + TEMPLATE + " has no value");
    }
    return config;
  }

  private static String template() {
    try (InputStream in = ReplicaRouting.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
