package io.churnwire.history;

/** One bucket of the probability histogram, [lower, upper) (the last one includes 1). */
public record ProbabilityBucket(double lower, double upper, long count, long churnCount) {}
