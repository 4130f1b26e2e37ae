package io.churnwire.server;

import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What scoring costs in {@link ScoringExecutor} permits, so admission follows the work and not the
 * number of calls. A plain item costs {@value #PLAIN}. An explained item costs {@value #EXPLAINED}:
 * TreeSHAP takes 0.3 to 3 ms per item, a hundred times a plain score, but a permit also stands for
 * a call's fixed overhead, and a weight near the whole capacity would let one explanation shut out
 * every other caller. A {@code BatchPredict} is scored in chunks of at most {@value #CHUNK} cost,
 * each admitted on its own, so a large batch shares the server and stops soon after its caller
 * leaves.
 */
final class ScoringCost {
  /** Permits of an item scored without explanation. */
  static final int PLAIN = 1;
  /** Permits of an item scored with an explanation. */
  static final int EXPLAINED = 16;
  /** Largest cost of one {@code BatchPredict} chunk. */
  static final int CHUNK = 16;

  private ScoringCost() {}

  /** The cost of scoring {@code request}. */
  static int of(PredictRequest request) {
    return request.getExplain() ? EXPLAINED : PLAIN;
  }

  /** The cost of a chunk of batch items. */
  static int of(List<PredictBatchRequest> items) {
    int cost = 0;
    for (PredictBatchRequest item : items) {
      cost += of(item.getRequest());
    }
    return cost;
  }

  /**
   * {@code items} cut, in order, into consecutive chunks that each cost at most {@value #CHUNK}
   * (a single item costing more is a chunk of its own).
   */
  static List<List<PredictBatchRequest>> chunks(List<PredictBatchRequest> items) {
    List<List<PredictBatchRequest>> chunks = new ArrayList<>();
    int start = 0;
    int cost = 0;
    for (int i = 0; i < items.size(); i++) {
      int itemCost = of(items.get(i).getRequest());
      if (i > start && cost + itemCost > CHUNK) {
        chunks.add(items.subList(start, i));
        start = i;
        cost = 0;
      }
      cost += itemCost;
    }
    if (start < items.size()) {
      chunks.add(items.subList(start, items.size()));
    }
    return chunks;
  }
}
