package io.churnwire.trainer.score;

import io.churnwire.client.BatchResult;
import io.churnwire.client.ChurnClient;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.v1.FeatureContribution;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores through running servers with {@code BatchPredict}, a batch at a time in requests of at most
 * the server's batch cap; the client's channel spreads the calls over the replicas. An item a
 * server refuses becomes a reject with the server's reason; a call that fails after the client's
 * retries stops the run.
 */
final class RemoteScorer implements BatchScorer {

  private final ChurnClient client;
  private final String targets;
  private final int maxItems;

  /**
   * @param client the client of the servers, which this scorer closes
   * @param targets the servers, for the summary
   * @param maxItems items per {@code BatchPredict} request (the server's {@code --max-batch-items})
   */
  RemoteScorer(ChurnClient client, String targets, int maxItems) {
    this.client = client;
    this.targets = targets;
    this.maxItems = maxItems;
  }

  @Override
  public FeatureSchema schema() {
    return FeatureSchema.telco();
  }

  @Override
  public ScoredBatch score(ParsedBatch batch, boolean explain) {
    int n = batch.count();
    int width = schema().size();
    List<BatchResult> results = new ArrayList<>(n);
    for (int from = 0; from < n; from += maxItems) {
      List<PredictBatchRequest> items = new ArrayList<>(Math.min(maxItems, n - from));
      for (int i = from; i < Math.min(n, from + maxItems); i++) {
        double[] row = Arrays.copyOfRange(batch.rows(), i * width, (i + 1) * width);
        items.add(PredictBatchRequest.newBuilder()
            .setItemId(Integer.toString(i))
            .setRequest(TelcoRequests.of(batch.customerIds()[i], row).toBuilder().setExplain(explain))
            .build());
      }
      results.addAll(client.batchPredict(items));
    }
    return collect(batch, results, explain);
  }

  private static ScoredBatch collect(ParsedBatch batch, List<BatchResult> results, boolean explain) {
    int n = results.size();
    String[] ids = new String[n];
    double[] probabilities = new double[n];
    boolean[] willChurn = new boolean[n];
    String[] bands = new String[n];
    String[] versions = new String[n];
    List<List<Factor>> factors = explain ? new ArrayList<>(n) : null;
    List<Reject> rejects = new ArrayList<>(batch.rejects());
    int scored = 0;
    for (int i = 0; i < n; i++) {
      switch (results.get(i)) {
        case BatchResult.Scored ok -> {
          Prediction prediction = ok.response().getPrediction();
          ids[scored] = batch.customerIds()[i];
          probabilities[scored] = prediction.getChurnProbability();
          willChurn[scored] = prediction.getWillChurn();
          bands[scored] = RiskBands.name(prediction.getRiskBand());
          versions[scored] = prediction.getModelVersion();
          if (factors != null) {
            factors.add(prediction.getTopFactorsList().stream()
                .limit(ScoredBatch.TOP_FACTORS)
                .map((FeatureContribution f) -> new Factor(f.getFeature(), f.getContribution()))
                .toList());
          }
          scored++;
        }
        case BatchResult.Failed failed -> rejects.add(new Reject(batch.lines()[i], batch.customerIds()[i],
            "refused by the server: " + failed.error().getMessage()));
      }
    }
    rejects.sort((a, b) -> Long.compare(a.line(), b.line()));
    return new ScoredBatch(batch.read(), scored, Arrays.copyOf(ids, scored), Arrays.copyOf(probabilities, scored),
        Arrays.copyOf(willChurn, scored), Arrays.copyOf(bands, scored), Arrays.copyOf(versions, scored), factors,
        List.copyOf(rejects));
  }

  @Override
  public String describe() {
    return "servers " + targets;
  }

  @Override
  public void close() {
    client.close();
  }
}
