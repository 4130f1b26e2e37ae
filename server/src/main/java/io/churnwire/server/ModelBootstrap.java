package io.churnwire.server;

import io.churnwire.model.Algorithm;
import io.churnwire.model.ChurnModel;
import io.churnwire.model.DeployCheck;
import io.churnwire.model.DeployCheckException;
import io.churnwire.model.FeatureSchema;
import io.churnwire.model.ModelRegistry;
import io.churnwire.model.ModelStore;
import io.churnwire.model.ModelTrainer;
import io.churnwire.model.SyntheticTelcoData;
import io.churnwire.model.TelcoCsv;
import io.churnwire.model.TrainingData;
import io.churnwire.model.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the model to serve at start. The model directory is a {@link ModelRegistry}: the version
 * its production pointer names is loaded. When the directory is empty, a model is trained (from the
 * configured CSV or the built-in synthetic data set), registered with its metrics, passed through
 * the deploy check and promoted, so the next start, and every later hot reload, goes through the
 * registry like any other model.
 *
 * <p>A directory that holds something else is an error, never silently replaced: a registry with
 * versions but no production model, or foreign files. A directory in the older single-model
 * layout (model.bin and metadata.json at its top) is still loaded, without hot reload.
 */
public final class ModelBootstrap {
  /** Rows of the built-in synthetic data set; the size of the real IBM data set. */
  public static final int SYNTHETIC_ROWS = 7_043;
  /** Seed of the built-in synthetic data set. */
  public static final long SYNTHETIC_SEED = 42L;

  private static final Logger log = LoggerFactory.getLogger(ModelBootstrap.class);

  private ModelBootstrap() {}

  /** Loads or trains the model for {@code config}. */
  public static ChurnModel loadOrTrain(ServerConfig config) throws IOException {
    Path dir = config.modelDir();
    ModelRegistry registry = ModelRegistry.at(dir);
    Optional<String> production = registry.production();
    if (production.isPresent()) {
      log.info("loading model from registry {}: production version {}", dir.toAbsolutePath(), production.get());
      return registry.load(production.get());
    }
    if (Files.exists(dir.resolve(ModelStore.MODEL_FILE))) {
      log.warn("loading model from {} in the single-model layout; hot reload needs a registry "
          + "(train and promote with churnwire-model)", dir.toAbsolutePath());
      return ModelStore.load(dir);
    }
    if (ModelRegistry.isRegistry(dir)) {
      throw new IOException("model registry " + dir.toAbsolutePath() + " has no production model; "
          + "promote one with: churnwire-model promote <version> --registry " + dir);
    }
    if (holdsFiles(dir)) {
      throw new IOException(dir.toAbsolutePath() + " is neither empty nor a model registry; "
          + "point --model-dir at a registry or an empty directory");
    }
    return trainRegisterAndPromote(config, registry);
  }

  private static ChurnModel trainRegisterAndPromote(ServerConfig config, ModelRegistry registry)
      throws IOException {
    Path dir = config.modelDir();
    TrainingData data;
    if (config.trainingData().isPresent()) {
      Path csv = config.trainingData().get();
      log.info("no model in {}; training on {}", dir.toAbsolutePath(), csv.toAbsolutePath());
      data = TelcoCsv.read(csv, FeatureSchema.telco());
    } else {
      log.info("no model in {} and no training data given; training the demo model on synthetic data "
          + "({} rows, seed {})", dir.toAbsolutePath(), SYNTHETIC_ROWS, SYNTHETIC_SEED);
      data = SyntheticTelcoData.generate(SYNTHETIC_ROWS, SYNTHETIC_SEED);
    }
    TrainingOptions options = TrainingOptions.defaults().withAlgorithms(Algorithm.GRADIENT_BOOSTING);
    ModelTrainer.Result result = ModelTrainer.train(data, options, ModelTrainer.Listener.SILENT);
    ChurnModel model = result.model();
    String version = model.metadata().version();
    for (var signal : result.report().leakage()) {
      if (signal.flagged()) {
        log.warn("possible label leakage: {} alone reaches ROC AUC {}; see metrics.json of {} for the "
            + "model without it", signal.feature(), String.format(java.util.Locale.ROOT, "%.4f", signal.rocAuc()), version);
      }
    }
    registry.register(model, result.report(), null);
    try {
      registry.promote(version, DeployCheck.defaults());
    } catch (DeployCheckException e) {
      throw new IOException("the model trained at start was registered but not promoted: " + e.getMessage(), e);
    }
    log.info("registered and promoted model {} in {}", version, dir.toAbsolutePath());
    return model;
  }

  private static boolean holdsFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }
}
