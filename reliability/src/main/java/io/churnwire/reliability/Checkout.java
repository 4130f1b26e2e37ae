package io.churnwire.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The checkout the campaign runs from and the built artifacts it starts as processes; a missing
 * one fails at once naming the command that builds it.
 */
public record Checkout(Path root) {
  private static final String BUILD = "build them with ./mvnw -pl reliability -am package -DskipTests";

  public Checkout {
    root = root.toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("scripts/envoy.sh"))) {
      throw new IllegalArgumentException(root + " is not a Churnwire checkout (no scripts/envoy.sh)");
    }
  }

  /** {@code churnwire.root} when set (the build sets it), else the current directory or its parent. */
  public static Checkout locate() {
    String property = System.getProperty("churnwire.root");
    if (property != null && !property.isBlank()) {
      return new Checkout(Path.of(property));
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/envoy.sh"))) {
        return new Checkout(dir);
      }
    }
    throw new IllegalArgumentException("no Churnwire checkout at or above " + here + "; pass --root DIR");
  }

  /** The packaged server, {@code server/target/churnwire-server.jar}. */
  public Path serverJar() {
    return existing(root.resolve("server/target/churnwire-server.jar"));
  }

  /** The bridge jar; its manifest names the jars in {@code bridge/target/lib}. */
  public Path bridgeJar() {
    Path target = root.resolve("bridge/target");
    try (Stream<Path> files = Files.list(existing(target))) {
      return files.filter(p -> p.getFileName().toString().matches("churnwire-kafka-bridge-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no bridge jar in " + target + "; " + BUILD));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code scripts/envoy.sh}, which renders {@code envoy/envoy.yaml} and runs Envoy. */
  public Path envoyScript() {
    return root.resolve("scripts/envoy.sh");
  }

  /** Envoy: {@code $ENVOY}, else {@code .tools/bin/envoy} ({@code scripts/install-tools.sh} installs it). */
  public Path envoyBinary() {
    String configured = System.getenv("ENVOY");
    Path envoy = configured == null || configured.isBlank() ? root.resolve(".tools/bin/envoy") : Path.of(configured);
    if (!Files.isExecutable(envoy)) {
      throw new IllegalStateException("no Envoy at " + envoy + "; run scripts/install-tools.sh or set ENVOY");
    }
    return envoy;
  }

  /** The descriptor set Envoy's transcoder reads, {@code contracts/target/descriptors/churnwire.pb}. */
  public Path descriptorSet() {
    return existing(root.resolve("contracts/target/descriptors/churnwire.pb"));
  }

  /** A program of the JDK running the campaign ({@code java}, {@code jcmd}). */
  public static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  private static Path existing(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(path + " is missing; " + BUILD);
    }
    return path;
  }
}
