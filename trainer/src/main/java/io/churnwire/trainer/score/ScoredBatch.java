package io.churnwire.trainer.score;

import java.util.List;

/**
 * A batch's results in file order, as columns: what the result file writes and the summary counts.
 *
 * @param read records the file held for this batch
 * @param count scored rows
 * @param customerIds each scored row's customer id
 * @param probabilities P(churn) of each
 * @param willChurn whether it is at or above the model's decision threshold
 * @param riskBands {@code low}, {@code medium} or {@code high}, as the server bands it
 * @param modelVersions the version of the model that scored each
 * @param factors with explanations, each row's top factors, largest first; otherwise null
 * @param rejects the rows that were not scored, in file order
 */
public record ScoredBatch(int read, int count, String[] customerIds, double[] probabilities, boolean[] willChurn,
    String[] riskBands, String[] modelVersions, List<List<Factor>> factors, List<Reject> rejects) {

  /** How many top factors an explained row lists. */
  public static final int TOP_FACTORS = 3;
}
