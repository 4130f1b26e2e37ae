package io.churnwire.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout and the external programs (Envoy, Prometheus, promtool, …) the integration tests
 * drive. A missing program fails the test with a message saying how to install it: these tests
 * never skip themselves silently.
 */
public final class ExternalTools {
  private ExternalTools() {}

  /** The checkout root, passed by the build as {@code churnwire.root}. */
  public static Path root() {
    String root = System.getProperty("churnwire.root");
    if (root == null || root.isBlank()) {
      throw new IllegalStateException("system property churnwire.root is not set; run the tests with "
          + "./mvnw verify, which sets it to the checkout");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /**
   * The program {@code name}: {@code $environmentVariable} when set, else {@code .tools/bin/name}
   * of the checkout (where {@code scripts/install-tools.sh} puts what it fetches), else on the
   * {@code PATH} (where the system packages it installs land).
   */
  public static Path executable(String name, String environmentVariable) {
    String override = System.getenv(environmentVariable);
    if (override != null && !override.isBlank()) {
      Path candidate = Path.of(override);
      if (!Files.isExecutable(candidate)) {
        throw new IllegalStateException("$" + environmentVariable + " is " + candidate + ", which is not executable");
      }
      return candidate;
    }
    Path tools = root().resolve(".tools/bin").resolve(name);
    if (Files.isExecutable(tools)) {
      return tools;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    throw new IllegalStateException(name + " is neither in " + tools.getParent() + " nor on the PATH; run "
        + "scripts/install-tools.sh or set $" + environmentVariable + " to the binary");
  }
}
