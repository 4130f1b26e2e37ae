package io.churnwire.testsupport;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.Algorithm;
import io.churnwire.training.DeployCheck;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model registry with a small real production model (gradient boosting on synthetic customers),
 * made once per test JVM, for tests that start a server: the server never trains, so whatever
 * starts one needs a registry first, as an operator runs {@code churnwire-model init}.
 */
public final class DemoRegistry {
  /** The customers the small model is trained on. */
  public static final TrainingData DATA = SyntheticTelcoData.generate(2_000, 7L);

  /** Gradient boosting with fewer trees and folds than the params file, to keep test suites quick. */
  public static final TrainingOptions OPTIONS = TrainingOptions.defaults()
      .withAlgorithms(Algorithm.GRADIENT_BOOSTING).withFolds(3)
      .withBoosting(new TrainingOptions.BoostingParams(100, 20, 6, 5, 0.1, 0.7));

  private static Path shared;

  private DemoRegistry() {}

  /** The JVM's shared registry, created on first use in a temporary directory. */
  public static synchronized Path shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("churnwire-registry");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete-test-registry"));
        shared = createIn(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // Best effort: the directory is in the temporary area.
    }
  }

  /** Trains, registers and promotes the small model in {@code dir}; returns {@code dir}. */
  public static Path createIn(Path dir) throws IOException {
    ModelTrainer.Result result = ModelTrainer.fit(DATA, OPTIONS);
    ModelRegistry registry = ModelRegistry.at(dir);
    String version = result.registerIn(registry, null).version();
    try {
      registry.promote(version, DeployCheck.defaults());
    } catch (io.churnwire.runtime.PromotionRefusedException e) {
      throw new IllegalStateException("the test model fails the deploy check: " + e.getMessage(), e);
    }
    return dir;
  }
}
