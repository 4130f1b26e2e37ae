package io.churnwire.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a setting's text becomes a value and back. Flags, environment variables and properties files
 * all carry text, so one parser per type serves every source, and the formatter writes values in
 * the form the parser reads.
 *
 * @param description what a valid text is, completing "must be ...": {@code a whole number}
 * @param parser      text to value; throws {@link IllegalArgumentException} for bad text
 * @param formatter   value to text that {@code parser} reads back
 * @param <T>         the value's type
 */
public record ValueType<T>(String description, Function<String, T> parser, Function<T, String> formatter) {

  /** Any text, as given. */
  public static final ValueType<String> TEXT = new ValueType<>("text", text -> text, value -> value);

  /** A whole number that fits an {@code int}. */
  public static final ValueType<Integer> INTEGER =
      new ValueType<>("a whole number", Integer::valueOf, value -> Integer.toString(value));

  /** A whole number that fits a {@code long}. */
  public static final ValueType<Long> LONG =
      new ValueType<>("a whole number", Long::valueOf, value -> Long.toString(value));

  /** A file-system path. */
  public static final ValueType<Path> PATH = new ValueType<>("a path", Path::of, Path::toString);

  /** A duration written as whole milliseconds, as in {@code commit-interval-ms=1000}. */
  public static final ValueType<Duration> MILLIS = new ValueType<>("a whole number of milliseconds",
      text -> Duration.ofMillis(Long.parseLong(text)), value -> Long.toString(value.toMillis()));

  public ValueType {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(formatter, "formatter");
  }
}
