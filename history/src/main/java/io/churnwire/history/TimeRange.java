package io.churnwire.history;

import java.time.Instant;
import java.util.Optional;

/** A half-open span of prediction time, [start, end); either end may be open. */
public record TimeRange(Optional<Instant> start, Optional<Instant> end) {
  /** All of time. */
  public static final TimeRange ALL = new TimeRange(Optional.empty(), Optional.empty());

  public TimeRange {
    if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
      throw new IllegalArgumentException("start " + start.get() + " must be before end " + end.get());
    }
  }

  /** Whether {@code instant} falls in the range. */
  public boolean contains(Instant instant) {
    return start.map(s -> !instant.isBefore(s)).orElse(true) && end.map(instant::isBefore).orElse(true);
  }
}
