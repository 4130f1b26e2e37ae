package io.churnwire.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting, declared once: its flag, environment variable, properties key, default, validation
 * and help text. Parsing, {@code --help} and the documentation table are all derived from it, so
 * they cannot disagree.
 *
 * <pre>{@code
 * Setting<Integer> PORT = Setting.of("port", "churnwire.server.port", INTEGER, 50051,
 *         "gRPC port; 0 picks a free one")
 *     .environment("CHURNWIRE_PORT")
 *     .require(Rule.between(0, 65_535));
 * }</pre>
 *
 * @param name                the flag without its dashes, also the name error messages use:
 *                            {@code port}
 * @param key                 properties-file key: {@code churnwire.server.port}
 * @param environmentVariable environment variable; derived from the key unless given
 * @param type                how its text is parsed and written
 * @param defaultValue        the value when no source sets it
 * @param shownDefault        how help shows a default that depends on the machine, such as
 *                            {@code cores}; empty to show the default value itself
 * @param help                what the setting does, one phrase (Markdown)
 * @param rule                what a valid value is
 * @param <T>                 the value's type
 */
public record Setting<T>(
    String name,
    String key,
    String environmentVariable,
    ValueType<T> type,
    T defaultValue,
    String shownDefault,
    String help,
    Rule<? super T> rule) {

  /** Checks the declaration itself, including that the default obeys the rule. */
  public Setting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(environmentVariable, "environmentVariable");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(shownDefault, "shownDefault");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(rule, "rule");
    if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("setting name '" + name + "' must be lower-case words joined by '-'");
    }
    if (!key.matches("[a-z0-9.-]+")) {
      throw new IllegalArgumentException(name + ": key '" + key + "' must be lower-case words joined by '.' or '-'");
    }
    if (!environmentVariable.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException(name + ": environment variable '" + environmentVariable
          + "' must be upper-case words joined by '_'");
    }
    if (help.isBlank()) {
      throw new IllegalArgumentException(name + ": help must not be blank");
    }
    check(name, rule, type, defaultValue);
  }

  /**
   * Declares a setting whose environment variable is its key in upper snake case
   * ({@code churnwire.bridge.max-in-flight} becomes {@code CHURNWIRE_BRIDGE_MAX_IN_FLIGHT}).
   */
  public static <T> Setting<T> of(String name, String key, ValueType<T> type, T defaultValue, String help) {
    String variable = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    return new Setting<>(name, key, variable, type, defaultValue, "", help, Rule.any());
  }

  /** This setting read from another environment variable than the one its key gives. */
  public Setting<T> environment(String variable) {
    return new Setting<>(name, key, variable, type, defaultValue, shownDefault, help, rule);
  }

  /** This setting with a rule its values must obey. */
  public Setting<T> require(Rule<? super T> newRule) {
    return new Setting<>(name, key, environmentVariable, type, defaultValue, shownDefault, help, newRule);
  }

  /** This setting with its default shown as {@code text}, for defaults that vary by machine. */
  public Setting<T> showDefaultAs(String text) {
    return new Setting<>(name, key, environmentVariable, type, defaultValue, text, help, rule);
  }

  /**
   * This setting explained otherwise, for a command that reads a shared setting with a rule of its
   * own, such as a topic it may skip.
   */
  public Setting<T> withHelp(String text) {
    return new Setting<>(name, key, environmentVariable, type, defaultValue, shownDefault, text, rule);
  }

  /** The flag with its dashes: {@code --port}. */
  public String flag() {
    return "--" + name;
  }

  /**
   * Parses and checks {@code text}.
   *
   * @throws IllegalArgumentException naming the setting, when the text is not of its type or the
   *     value breaks its rule
   */
  public T parse(String text) {
    T value;
    try {
      value = type.parser().apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " must be " + type.description() + ", got '" + text + "'", e);
    }
    return check(value);
  }

  /**
   * Returns {@code value} when it obeys the rule; records holding settings call this from their
   * compact constructors, so values built in code are held to the declared rule too.
   *
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public T check(T value) {
    return check(name, rule, type, value);
  }

  /** The value as text that {@link #parse} reads back. */
  public String format(T value) {
    return type.formatter().apply(value);
  }

  private static <T> T check(String name, Rule<? super T> rule, ValueType<T> type, T value) {
    Objects.requireNonNull(value, name);
    if (!rule.allows(value)) {
      throw new IllegalArgumentException(
          name + " " + rule.requirement() + ", got '" + type.formatter().apply(value) + "'");
    }
    return value;
  }
}
