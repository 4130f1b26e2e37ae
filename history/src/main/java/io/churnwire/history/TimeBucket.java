package io.churnwire.history;

import java.time.Instant;

/** The predictions of one hour, day or week, from {@code start}. */
public record TimeBucket(Instant start, Summary summary) {}
