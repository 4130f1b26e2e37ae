package io.churnwire.history;

/**
 * What recording a batch of outcomes did. {@code matched + unknownCustomers + late == recorded}.
 *
 * @param recorded outcomes stored (duplicates excluded)
 * @param duplicates outcomes already stored with the same customer and observation time, or given
 *     twice in the batch; the first one stored is kept
 * @param matched of those stored, outcomes with a prediction for the customer within the horizon
 *     before the observation time
 * @param unknownCustomers of those stored, outcomes for a customer with no prediction at all
 * @param late of those stored, outcomes for a known customer with no prediction within the horizon
 */
public record OutcomeCounts(long recorded, long duplicates, long matched, long unknownCustomers, long late) {
  /** Nothing recorded. */
  public static final OutcomeCounts NONE = new OutcomeCounts(0, 0, 0, 0, 0);
}
