package io.churnwire.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

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

  /** A number, possibly fractional. */
  public static final ValueType<Double> DECIMAL =
      new ValueType<>("a number", ValueType::decimal, value -> Double.toString(value));

  /**
   * {@code true} or {@code false}; as a flag it may stand alone, so {@code --json} means
   * {@code --json=true}.
   */
  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>("true or false", ValueType::bool, value -> Boolean.toString(value));

  /** A file-system path. */
  public static final ValueType<Path> PATH = new ValueType<>("a path", Path::of, Path::toString);

  /** A duration written as whole milliseconds, as in {@code commit-interval-ms=1000}. */
  public static final ValueType<Duration> MILLIS = new ValueType<>("a whole number of milliseconds",
      text -> Duration.ofMillis(Long.parseLong(text)), value -> Long.toString(value.toMillis()));

  /** One of {@code type}'s constants, named in any case; written in lower case. */
  public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
    String names = Arrays.stream(type.getEnumConstants())
        .map(constant -> constant.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
    return new ValueType<>("one of " + names, text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)),
        value -> value.name().toLowerCase(Locale.ROOT));
  }

  /**
   * A value that may be left out, for settings whose absence means something of its own (read a
   * file, or else generate data); empty text is the absent value.
   */
  public static <T> ValueType<Optional<T>> optional(ValueType<T> type) {
    return new ValueType<>(type.description() + ", or nothing",
        text -> text.isEmpty() ? Optional.empty() : Optional.of(type.parser().apply(text)),
        value -> value.map(type.formatter()).orElse(""));
  }

  public ValueType {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(formatter, "formatter");
  }

  private static double decimal(String text) {
    double value = Double.parseDouble(text);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not finite: " + text);
    }
    return value;
  }

  private static boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("neither true nor false: " + text);
    };
  }
}
