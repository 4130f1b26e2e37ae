package io.churnwire.trainer.score;

import io.churnwire.client.ChurnClient;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.FeatureSchema;

/**
 * What scores a checked batch: the runtime in this process, or running servers. Called from several
 * scoring threads at once, so implementations are thread-safe.
 */
public interface BatchScorer extends AutoCloseable {

  /** Scores with {@code model} in this process, on the runtime's block path. */
  static BatchScorer inProcess(ChurnModel model) {
    return new LocalScorer(model);
  }

  /**
   * Scores through the servers {@code client} talks to, {@code maxItems} per {@code BatchPredict};
   * closing the scorer closes the client.
   *
   * @param targets the servers, for the summary
   */
  static BatchScorer remote(ChurnClient client, String targets, int maxItems) {
    if (maxItems < 1) {
      throw new IllegalArgumentException("--batch-items must be at least 1, got " + maxItems);
    }
    return new RemoteScorer(client, targets, maxItems);
  }

  /** The features a row must carry, in row order. */
  FeatureSchema schema();

  /**
   * Scores {@code batch}; with {@code explain}, lists each row's top {@value ScoredBatch#TOP_FACTORS}
   * factors. A row the scorer refuses becomes a reject.
   *
   * @throws RuntimeException when scoring cannot go on at all (servers gone); the run stops
   */
  ScoredBatch score(ParsedBatch batch, boolean explain);

  /** Where scoring happens, for the summary. */
  String describe();

  /** Releases connections; nothing by default. */
  @Override
  default void close() {}
}
