package io.churnwire.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where predictions are kept and asked about: the embedded store or PostgreSQL, one schema managed
 * by migrations. Every method may throw {@link HistoryException} when the store cannot be reached;
 * it never throws for a query that simply matches nothing.
 */
public interface PredictionStore extends AutoCloseable {
  /** Writes {@code records} in one transaction: all or none. */
  void append(List<PredictionRecord> records);

  /** Statistics over {@code range}. */
  PredictionStats stats(TimeRange range);

  /**
   * At most {@code limit} predictions matching {@code filter}, most recent first, strictly after
   * {@code after} in that order when given.
   */
  List<StoredPrediction> list(PredictionFilter filter, Optional<Cursor> after, int limit);

  /** {@code bucketCount} equal-width probability buckets over [0, 1] of predictions matching {@code filter}. */
  List<ProbabilityBucket> riskDistribution(PredictionFilter filter, int bucketCount);

  /**
   * The non-empty buckets of {@code granularity} of predictions matching {@code filter}, oldest
   * first, each starting at its bucket boundary.
   */
  List<TimeBucket> churnOverTime(PredictionFilter filter, Granularity granularity);

  /**
   * Stores {@code outcomes} in one transaction, skipping duplicates (same customer and observation
   * time, already stored or given twice), and tells how each stored one relates to the predictions:
   * matched (a prediction for the customer within {@code horizon} before the observation), late (the
   * customer has predictions, none within it) or unknown customer (none at all). Both ends of the
   * horizon are inclusive; times are kept to the microsecond.
   *
   * @throws IllegalArgumentException for a negative horizon
   */
  OutcomeCounts recordOutcomes(List<OutcomeRecord> outcomes, Duration horizon);

  /**
   * The predictions matching {@code filter} joined with outcomes: for each stored outcome and each
   * model version, the most recent prediction of that version for the customer made within
   * {@code horizon} before (or at) the observation time (ties by the order stored), if it matches
   * {@code filter}: the filter applies to the prediction chosen, never picks an older one instead.
   *
   * @throws IllegalArgumentException for a negative horizon
   */
  JoinedOutcomes joinedOutcomes(PredictionFilter filter, Duration horizon);

  /**
   * The values of the feature columns of {@code features} over the predictions matching
   * {@code filter}, counted per bin or level.
   *
   * @throws IllegalArgumentException for a column that is not a feature column or is asked for twice,
   *     bin edges given for a categorical column or none for a numeric one, or edges not ascending
   */
  ServedFeatures servedFeatures(PredictionFilter filter, List<FeatureBinning> features);

  /** The time of the earliest prediction, if any. */
  Optional<Instant> earliest();

  /**
   * Deletes predictions (and roll-ups) older than {@code cutoff}, and outcomes observed before it;
   * returns how many predictions went.
   */
  long deleteBefore(Instant cutoff);

  /** Throws {@link HistoryException} unless the store answers now. */
  void check();

  /** A short name for logs: {@code duckdb:/path/file} or {@code postgresql://host:port/db}, never credentials. */
  String describe();

  @Override
  void close();
}
