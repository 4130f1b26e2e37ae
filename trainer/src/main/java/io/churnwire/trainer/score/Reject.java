package io.churnwire.trainer.score;

/**
 * A row that was not scored, and why.
 *
 * @param line where it is: the CSV line (the header is line 1) or the Parquet row (from 1)
 * @param customerId its customer id, or empty when that is what was wrong
 * @param reason one line naming the column and the value at fault
 */
public record Reject(long line, String customerId, String reason) {}
