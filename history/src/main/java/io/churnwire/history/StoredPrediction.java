package io.churnwire.history;

/**
 * A prediction read back from the store, with the id that orders predictions recorded in the same
 * instant (and so makes paging stable).
 */
public record StoredPrediction(long id, PredictionRecord record) {
  /** Where the page after this prediction starts. */
  public Cursor cursor() {
    return new Cursor(record.predictedAt(), id);
  }
}
