package io.churnwire.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A second operator's command line: waits for a start signal, then promotes a version expecting
 * another to be current. Exit 0: promoted; 3: refused because production moved (message on
 * stdout); anything else: a failure.
 */
final class PromoteInAnotherProcess {
  static final int REFUSED = 3;

  private PromoteInAnotherProcess() {}

  /** Arguments: registry root, version, expected current version, ready file, go file. */
  public static void main(String[] args) throws Exception {
    ModelRegistry registry = ModelRegistry.at(Path.of(args[0]));
    Files.writeString(Path.of(args[3]), "ready");
    Path go = Path.of(args[4]);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(go) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    try {
      registry.promote(args[1], Optional.of(args[2]), RegistryModels.ANY);
    } catch (ProductionChangedException e) {
      System.out.println(e.getMessage());
      System.exit(REFUSED);
    }
    System.exit(0);
  }
}
