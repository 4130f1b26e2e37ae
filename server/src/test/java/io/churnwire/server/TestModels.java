package io.churnwire.server;

import io.churnwire.model.ChurnModel;
import io.churnwire.model.SyntheticTelcoData;
import io.churnwire.model.TrainingOptions;

/** A small real model, trained once per test JVM on the synthetic data set. */
final class TestModels {
  private static ChurnModel small;

  private TestModels() {}

  static synchronized ChurnModel small() {
    if (small == null) {
      small = ChurnModel.train(SyntheticTelcoData.generate(2_000, 7L), TrainingOptions.defaults());
    }
    return small;
  }
}
