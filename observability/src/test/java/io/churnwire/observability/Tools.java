package io.churnwire.observability;

import io.churnwire.testsupport.ExternalTools;
import java.nio.file.Path;

/**
 * The checkout and the Prometheus programs this module's tests run, found through {@link ExternalTools}.
 */
final class Tools {
  private Tools() {}

  /** The checkout root, passed by the build as {@code churnwire.root}. */
  static Path root() {
    return ExternalTools.root();
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
    return ExternalTools.executable("prometheus", "PROMETHEUS");
  }

  /** Prometheus's command-line tool: {@code $PROMTOOL}, else {@code promtool} on the PATH. */
  static Path promtool() {
    return ExternalTools.executable("promtool", "PROMTOOL");
  }
}
