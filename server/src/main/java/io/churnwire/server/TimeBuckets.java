package io.churnwire.server;

import io.churnwire.history.Granularity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** Bucket boundaries of a churn-over-time series, in UTC, the way the stores truncate time. */
final class TimeBuckets {
  private TimeBuckets() {}

  /** The start of the bucket holding {@code instant}. */
  static Instant floor(Instant instant, Granularity granularity) {
    return switch (granularity) {
      case HOUR -> instant.truncatedTo(ChronoUnit.HOURS);
      case DAY -> instant.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> instant.atOffset(ZoneOffset.UTC).toLocalDate()
          .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant();
    };
  }

  /** The start of the bucket after the one starting at {@code start}. */
  static Instant next(Instant start, Granularity granularity) {
    return switch (granularity) {
      case HOUR -> start.plus(1, ChronoUnit.HOURS);
      case DAY -> start.plus(1, ChronoUnit.DAYS);
      case WEEK -> start.plus(7, ChronoUnit.DAYS);
    };
  }

  /** How many buckets [floor(start), end) spans. */
  static long count(Instant start, Instant end, Granularity granularity) {
    Instant first = floor(start, granularity);
    if (!first.isBefore(end)) {
      return 0;
    }
    long seconds = switch (granularity) {
      case HOUR -> 3_600L;
      case DAY -> 86_400L;
      case WEEK -> 604_800L;
    };
    long span = end.getEpochSecond() - first.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    return (span + seconds - 1) / seconds;
  }
}
