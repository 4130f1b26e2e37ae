package io.churnwire.observability;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the checkout and the Prometheus programs the tests run. A missing program fails the test
 * with a message saying how to install it: these tests never skip themselves silently.
 */
final class Tools {
  private Tools() {}

  /** The checkout root, passed by the build as {@code churnwire.root}. */
  static Path root() {
    String root = System.getProperty("churnwire.root");
    if (root == null || root.isBlank()) {
      throw new IllegalStateException("system property churnwire.root is not set; run the tests with "
          + "./mvnw verify, which sets it to the checkout");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** {@code observability/prometheus} of the checkout. */
  static Path prometheusDir() {
    return root().resolve("observability/prometheus");
  }

  /** {@code observability/grafana} of the checkout. */
  static Path grafanaDir() {
    return root().resolve("observability/grafana");
  }

  /** The Prometheus server: {@code $PROMETHEUS}, else {@code prometheus} on the PATH. */
  static Path prometheus() {
    return executable("prometheus", "PROMETHEUS");
  }

  /** Prometheus's command-line tool: {@code $PROMTOOL}, else {@code promtool} on the PATH. */
  static Path promtool() {
    return executable("promtool", "PROMTOOL");
  }

  private static Path executable(String name, String environmentVariable) {
    String override = System.getenv(environmentVariable);
    if (override != null && !override.isBlank()) {
      Path candidate = Path.of(override);
      if (!Files.isExecutable(candidate)) {
        throw new IllegalStateException("$" + environmentVariable + " is " + candidate + ", which is not executable");
      }
      return candidate;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    throw new IllegalStateException(name + " is not on the PATH; run scripts/install-tools.sh (it installs "
        + "Debian's prometheus package) or set $" + environmentVariable + " to the binary");
  }
}
