package io.churnwire.client;

/**
 * What a finished {@code PredictBatch} stream did: every item sent was answered exactly once,
 * either scored or failed.
 *
 * @param items  items sent and answered
 * @param scored items answered with a prediction
 * @param failed items answered with their own error
 */
public record BatchSummary(long items, long scored, long failed) {}
