package io.churnwire.envoy;

import io.churnwire.testsupport.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout and the programs this module's tests drive, found through {@link ExternalTools}.
 */
final class Tools {
  private Tools() {}

  /** The checkout root, passed by the build as {@code churnwire.root}. */
  static Path root() {
    return ExternalTools.root();
  }

  /** The Envoy binary: {@code $ENVOY}, else {@code .tools/bin/envoy}. */
  static Path envoy() {
    return ExternalTools.executable("envoy", "ENVOY");
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
}
