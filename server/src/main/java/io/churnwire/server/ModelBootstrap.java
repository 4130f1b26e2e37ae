package io.churnwire.server;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.LegacyModelException;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the model to serve at start: the version that the production pointer of the registry in
 * {@code --model-dir} names. The server never trains; a registry without a production model is an
 * error whose message names the trainer command that fills it, and a registry written in the
 * earlier Java-serialized layout is refused with the command that compiles it.
 */
public final class ModelBootstrap {
  private static final Logger log = LoggerFactory.getLogger(ModelBootstrap.class);

  private ModelBootstrap() {}

  /** The command that trains, registers and promotes the demo model into {@code dir}. */
  public static String initCommand(Path dir) {
    return "scripts/churnwire-model.sh init --demo --registry " + dir;
  }

  /**
   * Loads the production model of the registry in {@code config.modelDir()}.
   *
   * @throws IOException naming the command that fixes the registry when it has no servable
   *     production model
   */
  public static ChurnModel load(ServerConfig config) throws IOException {
    Path dir = config.modelDir();
    ModelRegistry registry = ModelRegistry.at(dir);
    Optional<String> production = registry.production();
    if (production.isPresent()) {
      log.info("loading model from registry {}: production version {}", dir.toAbsolutePath(), production.get());
      return registry.load(production.get());
    }
    if (Files.exists(dir.resolve(ModelStore.LEGACY_MODEL_FILE))) {
      throw new LegacyModelException(dir.toAbsolutePath() + " holds a Java-serialized Smile model (model.bin), "
          + "which the server never deserializes; train a model into a registry with: " + initCommand(dir));
    }
    if (ModelRegistry.isRegistry(dir)) {
      throw new IOException("model registry " + dir.toAbsolutePath() + " has no production model; "
          + "promote one with: scripts/churnwire-model.sh promote <version> --registry " + dir);
    }
    throw new IOException("no model registry in " + dir.toAbsolutePath() + "; train and promote the demo "
        + "model with: " + initCommand(dir));
  }
}
