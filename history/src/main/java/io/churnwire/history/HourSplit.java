package io.churnwire.history;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A time range cut where the hourly roll-ups can answer: the whole hours inside it, and the
 * partial hours at its edges that only the predictions themselves can.
 *
 * @param hours the whole hours, if any
 * @param edges the rest of the range, at most two spans each shorter than an hour
 */
record HourSplit(Optional<TimeRange> hours, List<TimeRange> edges) {
  private static final Duration HOUR = Duration.ofHours(1);

  static HourSplit of(TimeRange range) {
    Optional<Instant> firstHour = range.start().map(HourSplit::ceilingHour);
    Optional<Instant> endHour = range.end().map(HourSplit::floorHour);
    if (firstHour.isPresent() && endHour.isPresent() && !firstHour.get().isBefore(endHour.get())) {
      return new HourSplit(Optional.empty(), List.of(range));
    }
    List<TimeRange> edges = new ArrayList<>(2);
    if (range.start().isPresent() && range.start().get().isBefore(firstHour.get())) {
      edges.add(new TimeRange(range.start(), firstHour));
    }
    if (range.end().isPresent() && endHour.get().isBefore(range.end().get())) {
      edges.add(new TimeRange(endHour, range.end()));
    }
    return new HourSplit(Optional.of(new TimeRange(firstHour, endHour)), List.copyOf(edges));
  }

  static Instant floorHour(Instant instant) {
    return instant.truncatedTo(ChronoUnit.HOURS);
  }

  static Instant ceilingHour(Instant instant) {
    Instant floor = floorHour(instant);
    return floor.equals(instant) ? floor : floor.plus(HOUR);
  }
}
