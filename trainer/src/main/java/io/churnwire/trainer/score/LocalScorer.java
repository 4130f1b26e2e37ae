package io.churnwire.trainer.score;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.RiskLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores in this process: each batch in one call of the runtime's block path
 * ({@link io.churnwire.runtime.CompiledModel#probabilities}), each probability phrased as the server
 * phrases it (decision at the model's threshold, {@link RiskLevel}, version), so a file scored here
 * reads as the same customers scored by a server with the same model.
 */
final class LocalScorer implements BatchScorer {

  private final ChurnModel model;

  LocalScorer(ChurnModel model) {
    this.model = model;
  }

  @Override
  public FeatureSchema schema() {
    return model.schema();
  }

  @Override
  public ScoredBatch score(ParsedBatch batch, boolean explain) {
    int n = batch.count();
    double[] probabilities = new double[n];
    model.compiled().probabilities(batch.rows(), n, probabilities);
    boolean[] willChurn = new boolean[n];
    String[] bands = new String[n];
    String[] versions = new String[n];
    double threshold = model.decisionThreshold();
    Arrays.fill(versions, model.version());
    for (int i = 0; i < n; i++) {
      willChurn[i] = probabilities[i] >= threshold;
      bands[i] = RiskLevel.of(probabilities[i], threshold).label();
    }
    List<List<Factor>> factors = explain ? explain(batch) : null;
    return new ScoredBatch(batch.read(), n, Arrays.copyOf(batch.customerIds(), n), probabilities, willChurn, bands,
        versions, factors, batch.rejects());
  }

  private List<List<Factor>> explain(ParsedBatch batch) {
    int width = model.schema().size();
    List<List<Factor>> factors = new ArrayList<>(batch.count());
    for (int i = 0; i < batch.count(); i++) {
      double[] row = Arrays.copyOfRange(batch.rows(), i * width, (i + 1) * width);
      Explanation explanation = model.explain(row);
      factors.add(explanation.top(model.schema(), row, ScoredBatch.TOP_FACTORS).stream()
          .map(c -> new Factor(c.feature(), c.contribution()))
          .toList());
    }
    return factors;
  }

  @Override
  public String describe() {
    return "model " + model.version() + " in process";
  }
}
