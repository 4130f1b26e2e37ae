package io.churnwire.history;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A WHERE clause built from optional parts, with its parameters in order; times bound as UTC. */
final class Conditions {
  private final List<String> parts = new ArrayList<>();
  private final List<Object> values = new ArrayList<>();

  /** The predictions (or roll-up hours, by {@code timeColumn}) in {@code range}. */
  static Conditions in(String timeColumn, TimeRange range) {
    Conditions conditions = new Conditions();
    range.start().ifPresent(start -> conditions.and(timeColumn + " >= ?", start));
    range.end().ifPresent(end -> conditions.and(timeColumn + " < ?", end));
    return conditions;
  }

  /** Adds {@code condition} with its {@code parameters}. */
  Conditions and(String condition, Object... parameters) {
    parts.add(condition);
    values.addAll(List.of(parameters));
    return this;
  }

  /** Adds {@code column = ?} when {@code value} is present. */
  Conditions equal(String column, Optional<String> value) {
    value.ifPresent(v -> and(column + " = ?", v));
    return this;
  }

  /** {@code " WHERE a AND b"}, or nothing. */
  String where() {
    return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
  }

  /** Binds the parameters from index 1; returns the next free index. */
  int bind(PreparedStatement statement) throws SQLException {
    return bind(statement, 1);
  }

  /** Binds the parameters from {@code first}, after others the statement has; returns the next free index. */
  int bind(PreparedStatement statement, int first) throws SQLException {
    int index = first;
    for (Object value : values) {
      statement.setObject(index++, value instanceof Instant instant ? utc(instant) : value);
    }
    return index;
  }

  /**
   * {@code instant} as a UTC TIMESTAMP, rounded up to the microsecond the column holds: a stored
   * time is at or after an instant (or before it) exactly when it is at or after (before) that.
   */
  static LocalDateTime utc(Instant instant) {
    int belowMicros = instant.getNano() % 1_000;
    Instant micros = belowMicros == 0 ? instant : instant.plusNanos(1_000 - belowMicros);
    return LocalDateTime.ofInstant(micros, ZoneOffset.UTC);
  }
}
