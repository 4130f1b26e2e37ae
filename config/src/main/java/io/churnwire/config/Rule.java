package io.churnwire.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A constraint on a setting's value, phrased as the requirement an error message states, so the
 * check and its explanation are declared together.
 *
 * @param requirement completes "{@code <setting>} ...": {@code must be between 0 and 65535}
 * @param test        true for an acceptable value
 * @param <T>         the values it judges
 */
public record Rule<T>(String requirement, Predicate<T> test) {

  public Rule {
    Objects.requireNonNull(requirement, "requirement");
    Objects.requireNonNull(test, "test");
  }

  /** Accepts every value. */
  public static <T> Rule<T> any() {
    return new Rule<>("", value -> true);
  }

  /** A number from {@code min} to {@code max}, both included. */
  public static Rule<Number> between(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " exceeds max " + max);
    }
    return new Rule<>("must be between " + min + " and " + max,
        value -> value.longValue() >= min && value.longValue() <= max);
  }

  /** Text with at least one non-blank character. */
  public static Rule<String> notBlank() {
    return new Rule<>("must not be blank", value -> !value.isBlank());
  }

  /** A duration longer than zero. */
  public static Rule<Duration> positive() {
    return new Rule<>("must be positive", value -> value.isPositive());
  }

  /** Whether {@code value} meets the requirement. */
  public boolean allows(T value) {
    return test.test(value);
  }
}
