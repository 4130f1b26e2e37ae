package io.churnwire.trainer.score;

import java.util.List;

/**
 * Consecutive records as a customer file holds them, not yet checked: the unit the reader hands to
 * the scoring threads.
 *
 * @param lines where each record starts (see {@link Reject#line})
 * @param records each record's fields as text
 * @param unreadable records the file reader could not split into fields
 */
record RecordBatch(long[] lines, List<List<String>> records, List<Reject> unreadable) {

  /** How many records the file held for this batch, unreadable ones included. */
  int read() {
    return records.size() + unreadable.size();
  }
}
