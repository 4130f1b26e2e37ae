package io.churnwire.server;

import io.churnwire.model.ChurnModel;
import io.churnwire.model.FeatureSchema;
import io.churnwire.model.ModelStore;
import io.churnwire.model.SyntheticTelcoData;
import io.churnwire.model.TelcoCsv;
import io.churnwire.model.TrainingData;
import io.churnwire.model.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the model to serve at start: the one saved in the model directory, or, when the directory
 * holds none, a new one trained from the configured CSV or from the built-in synthetic data set and
 * saved there, so the next start loads instead of training.
 *
 * <p>A directory that holds a model which cannot be loaded is an error, never silently replaced.
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
    if (holdsFiles(dir)) {
      log.info("loading model from {}", dir.toAbsolutePath());
      return ModelStore.load(dir);
    }
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
    ChurnModel model = ChurnModel.train(data, TrainingOptions.defaults());
    ModelStore.save(model, dir);
    log.info("saved model {} to {}", model.metadata().version(), dir.toAbsolutePath());
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
