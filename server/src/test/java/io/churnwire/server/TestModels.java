package io.churnwire.server;

import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.training.Algorithm;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;

/** Small real models, each trained once per test JVM on the synthetic data set. */
final class TestModels {
  static final TrainingData DATA = DemoRegistry.DATA;
  static final TrainingOptions OPTIONS = DemoRegistry.OPTIONS;

  private static ModelTrainer.Result small;
  private static ModelTrainer.Result forest;
  private static ModelTrainer.Result logistic;

  private TestModels() {}

  static synchronized ChurnModel small() {
    return smallResult().model();
  }

  /** The small model with its report, for tests that register it. */
  static synchronized ModelTrainer.Result smallResult() {
    if (small == null) {
      small = ModelTrainer.train(DATA, OPTIONS, ModelTrainer.Listener.SILENT);
    }
    return small;
  }

  /** A random forest on the same data: another version for reload tests. */
  static synchronized ModelTrainer.Result forest() {
    if (forest == null) {
      forest = ModelTrainer.train(DATA, OPTIONS.withAlgorithms(Algorithm.RANDOM_FOREST).withTrees(30),
          ModelTrainer.Listener.SILENT);
    }
    return forest;
  }

  /** A logistic regression on the same data: a third version for reload tests. */
  static synchronized ModelTrainer.Result logistic() {
    if (logistic == null) {
      logistic = ModelTrainer.train(DATA, OPTIONS.withAlgorithms(Algorithm.LOGISTIC_REGRESSION),
          ModelTrainer.Listener.SILENT);
    }
    return logistic;
  }
}
