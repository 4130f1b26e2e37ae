package io.churnwire.trainer.score;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the results go. Encoding runs on the scoring threads, in any order; writing runs on one
 * thread, in file order. The file appears at its path only when {@link #finish} returns, so a run
 * that fails leaves no half-written result behind.
 *
 * @param <E> a batch as this file writes it
 */
interface ResultFile<E> extends Closeable {

  /** The columns of every result file: the input's customer id, then the answer. */
  List<String> BASE_COLUMNS = List.of("customer_id", "churn_probability", "will_churn", "risk_band", "model_version");

  /** The columns, with {@code factor_N} and {@code factor_N_contribution} for each top factor when explaining. */
  static List<String> columns(boolean explain) {
    List<String> columns = new ArrayList<>(BASE_COLUMNS);
    if (explain) {
      for (int k = 1; k <= ScoredBatch.TOP_FACTORS; k++) {
        columns.add("factor_" + k);
        columns.add("factor_" + k + "_contribution");
      }
    }
    return List.copyOf(columns);
  }

  /** Turns {@code batch} into what {@link #write} takes; thread-safe. */
  E encode(ScoredBatch batch);

  /** Appends an encoded batch. */
  void write(E encoded) throws IOException;

  /** Completes the file and moves it into place. */
  void finish() throws IOException;

  /** Releases the file; without {@link #finish} first, removes what was written. */
  @Override
  void close() throws IOException;
}
