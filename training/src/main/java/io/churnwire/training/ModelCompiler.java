package io.churnwire.training;

import io.churnwire.model.v1.FeatureReference;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.InvalidModelException;
import java.util.List;

/**
 * Turns a fitted Smile model into the runtime's {@link CompiledModel}, then proves the result: the
 * compiled model must give Smile's probability for every given check row, or compilation fails.
 * A model that serves is therefore always one whose arithmetic was compared with its learner's.
 */
final class ModelCompiler {

  /** Largest difference in probability accepted between Smile and the compiled model. */
  static final double TOLERANCE = 1e-12;

  private ModelCompiler() {}

  /**
   * Compiles {@code scorer} for rows of {@code schema} and checks it on {@code checkRows}.
   *
   * @param reference the training distribution per feature; may be empty
   * @throws IllegalStateException if the compiled model is invalid or disagrees with Smile
   */
  static CompiledModel compile(Scorer scorer, FeatureSchema schema, double threshold,
      List<FeatureReference> reference, double[][] checkRows) {
    var message = io.churnwire.model.v1.CompiledModel.newBuilder()
        .setFormatVersion(CompiledModel.FORMAT_VERSION)
        .addAllFeatures(CompiledModel.features(schema))
        .setDecisionThreshold(threshold)
        .addAllTrainingReference(reference);
    scorer.compileInto(message);
    CompiledModel compiled;
    try {
      compiled = CompiledModel.of(message.build());
    } catch (InvalidModelException e) {
      throw new IllegalStateException("the compiler produced an invalid model: " + e.getMessage(), e);
    }
    for (double[] row : checkRows) {
      double expected = scorer.probability(row);
      double actual = compiled.probability(row);
      if (!(Math.abs(expected - actual) <= TOLERANCE)) {
        throw new IllegalStateException("the compiled model gives " + actual + " where Smile gives "
            + expected + " for row " + java.util.Arrays.toString(row));
      }
    }
    return compiled;
  }
}
