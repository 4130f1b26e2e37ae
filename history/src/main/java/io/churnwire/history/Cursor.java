package io.churnwire.history;

import java.time.Instant;

/**
 * A position in most-recent-first order: the next page holds predictions strictly before
 * ({@code predictedAt}, {@code id}).
 */
public record Cursor(Instant predictedAt, long id) {}
