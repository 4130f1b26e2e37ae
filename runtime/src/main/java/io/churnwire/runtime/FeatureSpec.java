package io.churnwire.runtime;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One model input: its name, encoding and valid domain, so the server can validate requests
 * against exactly what the model was trained on.
 *
 * @param name lower_snake_case identifier, unique within a schema
 * @param type how the value is encoded in a row
 * @param levels for {@link FeatureType#CATEGORICAL} the vocabulary in model order (a row holds
 *     the 0-based index into this list); empty otherwise
 * @param min inclusive lower bound for numeric features; {@code NaN} for categorical ones
 * @param max inclusive upper bound for numeric features; {@code NaN} for categorical ones
 * @param description one sentence for humans, shown in schema listings
 */
public record FeatureSpec(
    String name, FeatureType type, List<String> levels, double min, double max, String description) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** Validates the spec; every message names the feature and the bad value. */
  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type of " + name);
    Objects.requireNonNull(levels, "levels of " + name);
    Objects.requireNonNull(description, "description of " + name);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("feature name must be lower_snake_case: '" + name + "'");
    }
    levels = List.copyOf(levels);
    if (type == FeatureType.CATEGORICAL) {
      if (levels.size() < 2) {
        throw new IllegalArgumentException(
            "categorical feature " + name + " needs at least 2 levels, got " + levels);
      }
      Set<String> seen = new HashSet<>();
      for (String level : levels) {
        if (level.isBlank() || !level.equals(level.strip())) {
          throw new IllegalArgumentException(
              "categorical feature " + name + " has a blank or padded level: '" + level + "'");
        }
        if (!seen.add(level.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "categorical feature " + name + " has levels that differ only in case: " + levels);
        }
      }
      if (!Double.isNaN(min) || !Double.isNaN(max)) {
        throw new IllegalArgumentException(
            "categorical feature " + name + " must have NaN bounds, got [" + min + ", " + max + "]");
      }
    } else {
      if (!levels.isEmpty()) {
        throw new IllegalArgumentException(
            "numeric feature " + name + " must not have levels, got " + levels);
      }
      if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
        throw new IllegalArgumentException(
            "feature " + name + " needs finite bounds with min <= max, got [" + min + ", " + max + "]");
      }
      if (type == FeatureType.INTEGER && (min != Math.rint(min) || max != Math.rint(max))) {
        throw new IllegalArgumentException(
            "integer feature " + name + " needs integral bounds, got [" + min + ", " + max + "]");
      }
    }
  }

  /** An integer feature accepting whole numbers in {@code [min, max]}. */
  public static FeatureSpec integer(String name, long min, long max, String description) {
    return new FeatureSpec(name, FeatureType.INTEGER, List.of(), min, max, description);
  }

  /** A real feature accepting finite numbers in {@code [min, max]}. */
  public static FeatureSpec real(String name, double min, double max, String description) {
    return new FeatureSpec(name, FeatureType.REAL, List.of(), min, max, description);
  }

  /** A categorical feature whose row value is the index into {@code levels}. */
  public static FeatureSpec categorical(String name, List<String> levels, String description) {
    return new FeatureSpec(name, FeatureType.CATEGORICAL, levels, Double.NaN, Double.NaN, description);
  }

  /** Whether the row value is a level index rather than a number. */
  public boolean isCategorical() {
    return type == FeatureType.CATEGORICAL;
  }

  /**
   * The index of {@code level}, compared case-insensitively after trimming, so that
   * "Month-to-month" finds "Month-to-Month".
   *
   * @return the 0-based index, or -1 if the level is unknown or the feature is not categorical
   */
  public int levelIndex(String level) {
    String wanted = level.strip();
    for (int i = 0; i < levels.size(); i++) {
      if (levels.get(i).equalsIgnoreCase(wanted)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether {@code value} is a valid row value for this feature: a finite number within the
   * bounds (integral for INTEGER), or a valid level index for CATEGORICAL.
   */
  public boolean accepts(double value) {
    return switch (type) {
      case REAL -> value >= min && value <= max;
      case INTEGER -> value >= min && value <= max && value == Math.rint(value);
      case CATEGORICAL -> value >= 0 && value < levels.size() && value == Math.rint(value);
    };
  }

  /** A short phrase describing the valid values, for error messages. */
  public String domain() {
    return switch (type) {
      case REAL -> "a number in [" + plain(min) + ", " + plain(max) + "]";
      case INTEGER -> "an integer in [" + plain(min) + ", " + plain(max) + "]";
      case CATEGORICAL -> "one of " + levels;
    };
  }

  private static String plain(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15
        ? Long.toString((long) bound)
        : Double.toString(bound);
  }
}
