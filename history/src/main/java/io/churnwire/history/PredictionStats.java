package io.churnwire.history;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Statistics over a time range: overall, per risk band ({@code RiskBand} name) and per model
 * version, with the first and last prediction time in the range (empty when there is none).
 */
public record PredictionStats(Summary overall, Map<String, Summary> byRiskBand, Map<String, Summary> byModelVersion,
    Optional<Instant> first, Optional<Instant> last) {}
