package io.churnwire.envoy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the checkout and the external programs the tests drive. A missing program fails the test
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

  /** The Envoy binary: {@code $ENVOY}, else {@code .tools/bin/envoy}. */
  static Path envoy() {
    return executable("envoy", "ENVOY");
  }

  /** The transcoder's descriptor set, written by the contracts build. */
  static Path descriptorSet() {
    Path descriptor = root().resolve("contracts/target/descriptors/churnwire.pb");
    if (!Files.isRegularFile(descriptor)) {
      throw new IllegalStateException(descriptor + " is missing; build the contracts module first "
          + "(./mvnw -pl contracts -am install)");
    }
    return descriptor;
  }

  private static Path executable(String name, String environmentVariable) {
    String override = System.getenv(environmentVariable);
    Path candidate = override == null || override.isBlank()
        ? root().resolve(".tools/bin").resolve(name)
        : Path.of(override);
    if (!Files.isExecutable(candidate)) {
      throw new IllegalStateException(name + " not found at " + candidate + "; run "
          + "scripts/install-tools.sh (it installs " + name + " into .tools/bin) or set $"
          + environmentVariable + " to the binary");
    }
    return candidate;
  }
}
