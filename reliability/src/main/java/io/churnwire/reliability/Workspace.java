package io.churnwire.reliability;

import io.churnwire.testsupport.DemoRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a campaign run keeps its logs, registries and broker data, and the checkout it runs. */
record Workspace(Checkout checkout, Path dir) {

  static Workspace create(Checkout checkout) throws IOException {
    return new Workspace(checkout, Files.createTempDirectory("churnwire-reliability"));
  }

  /** A file for a log named {@code name}, kept after the run for reading. */
  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** A fresh directory named {@code name}. */
  Path directory(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name));
  }

  /** The registry with the small demo model in production, shared by the scenarios. */
  Path demoRegistry() {
    return DemoRegistry.shared();
  }
}
