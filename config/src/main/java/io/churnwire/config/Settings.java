package io.churnwire.config;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Every setting of one command, and the one place that turns its flags, environment and
 * properties file into {@link Values}. Each command of the project declares one of these, so all of
 * them read configuration the same way.
 *
 * @param command        how the command is invoked, for usage and messages: {@code churnwire-server}
 * @param summary        what the command does, one sentence
 * @param configVariable environment variable naming the properties file when {@code --config} is
 *                       not given
 * @param settings       the settings, in the order help lists them
 */
public record Settings(String command, String summary, String configVariable, List<Setting<?>> settings) {

  /** Flag naming the properties file. */
  public static final String CONFIG_FLAG = "config";

  /** Rejects two settings sharing a flag, key or environment variable. */
  public Settings {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(configVariable, "configVariable");
    settings = List.copyOf(settings);
    Set<String> seen = new HashSet<>(Set.of("--" + CONFIG_FLAG, "--help", configVariable));
    for (Setting<?> setting : settings) {
      for (String name : List.of(setting.flag(), setting.key(), setting.environmentVariable())) {
        if (!seen.add(name)) {
          throw new IllegalArgumentException(command + ": '" + name + "' is declared twice");
        }
      }
    }
  }

  public static Settings of(String command, String summary, String configVariable, Setting<?>... settings) {
    return new Settings(command, summary, configVariable, Arrays.asList(settings));
  }

  /** Every setting at its default. */
  public Values defaults() {
    return Values.defaults(this);
  }

  /**
   * Resolves {@code args} and {@code environment}: flags win over environment variables, which win
   * over the properties file ({@code --config=<file>}, else {@link #configVariable()}), which wins
   * over the defaults. Blank environment variables count as unset. {@code --help} and {@code -h}
   * are left to {@link #helpRequested}.
   *
   * @throws IllegalArgumentException for an unknown flag or key, a flag without a value, a bad value
   *     (naming the setting and where it came from) or an unreadable properties file
   */
  public Values resolve(String[] args, Map<String, String> environment) {
    return Resolver.resolve(this, args, environment);
  }

  /**
   * Reads {@code properties}: keys missing keep their defaults, keys that are not settings are
   * ignored unless they sit beside one (same prefix up to the last dot), where they are most
   * likely misspelt and rejected.
   *
   * @throws IllegalArgumentException for such a key or a bad value
   */
  public Values fromProperties(Properties properties) {
    return Resolver.fromProperties(this, properties);
  }

  /** Whether {@code args} ask for {@link #help()} instead of a run. */
  public boolean helpRequested(String[] args) {
    return Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"));
  }

  /** Usage, precedence and {@link #table()}: what {@code --help} prints. */
  public String help() {
    return HelpTable.usage(this);
  }

  /** The Markdown table of every setting's flag, variable, key, default and meaning. */
  public String table() {
    return HelpTable.markdown(this);
  }

  /** The setting whose flag is {@code --name}. */
  public Optional<Setting<?>> named(String name) {
    return settings.stream().filter(setting -> setting.name().equals(name)).findFirst();
  }

  /** The setting stored under {@code key}. */
  public Optional<Setting<?>> keyed(String key) {
    return settings.stream().filter(setting -> setting.key().equals(key)).findFirst();
  }
}
