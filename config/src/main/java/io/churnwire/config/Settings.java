package io.churnwire.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

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
 * @param aliases        further flag names, without dashes, of some of the settings: names a
 *                       command kept from before its settings were shared, such as {@code topic}
 * @param sharedKeys     keys of the other commands that read the same properties file, which this
 *                       one ignores instead of rejecting as misspelt
 */
public record Settings(String command, String summary, String configVariable, List<Setting<?>> settings,
    Map<String, Setting<?>> aliases, Set<String> sharedKeys) {

  /** Flag naming the properties file. */
  public static final String CONFIG_FLAG = "config";

  /** Rejects two settings sharing a flag, key or environment variable. */
  public Settings {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(configVariable, "configVariable");
    settings = List.copyOf(settings);
    aliases = Map.copyOf(aliases);
    sharedKeys = Set.copyOf(sharedKeys);
    Set<String> seen = new HashSet<>(Set.of("--" + CONFIG_FLAG, "--help", configVariable));
    for (Setting<?> setting : settings) {
      for (String name : List.of(setting.flag(), setting.key(), setting.environmentVariable())) {
        if (!seen.add(name)) {
          throw new IllegalArgumentException(command + ": '" + name + "' is declared twice");
        }
      }
    }
    for (Map.Entry<String, Setting<?>> alias : aliases.entrySet()) {
      if (!settings.contains(alias.getValue())) {
        throw new IllegalArgumentException(command + ": alias --" + alias.getKey() + " names "
            + alias.getValue().name() + ", which is not one of its settings");
      }
      if (!seen.add("--" + alias.getKey())) {
        throw new IllegalArgumentException(command + ": '--" + alias.getKey() + "' is declared twice");
      }
    }
  }

  public static Settings of(String command, String summary, String configVariable, Setting<?>... settings) {
    return new Settings(command, summary, configVariable, Arrays.asList(settings), Map.of(), Set.of());
  }

  /** These settings with {@code --flag} as another name of {@code setting}. */
  public Settings alias(String flag, Setting<?> setting) {
    Map<String, Setting<?>> more = new LinkedHashMap<>(aliases);
    more.put(flag, setting);
    return new Settings(command, summary, configVariable, settings, more, sharedKeys);
  }

  /**
   * These settings reading one properties file with {@code others}: their keys are ignored here
   * rather than rejected, so one file can configure every command of a program.
   */
  public Settings sharingFileWith(Settings... others) {
    Set<String> keys = new TreeSet<>(sharedKeys);
    for (Settings other : others) {
      other.settings().forEach(setting -> keys.add(setting.key()));
    }
    return new Settings(command, summary, configVariable, settings, aliases, keys);
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
   * The properties file {@code args} or {@code environment} name ({@code --config} or the config
   * variable), for callers that read keys of their own from it besides the settings.
   *
   * @throws IllegalArgumentException as {@link #resolve} for an unknown flag or a missing value
   */
  public Optional<Path> configFile(String[] args, Map<String, String> environment) {
    return Resolver.configFile(this, args, environment);
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

  /** The setting whose flag, or one of whose aliases, is {@code --name}. */
  public Optional<Setting<?>> named(String name) {
    return settings.stream().filter(setting -> setting.name().equals(name)).findFirst()
        .or(() -> Optional.ofNullable(aliases.get(name)));
  }

  /** The aliases of {@code setting}, sorted, without dashes. */
  public List<String> aliasesOf(Setting<?> setting) {
    return aliases.entrySet().stream()
        .filter(alias -> alias.getValue().equals(setting))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** The setting stored under {@code key}. */
  public Optional<Setting<?>> keyed(String key) {
    return settings.stream().filter(setting -> setting.key().equals(key)).findFirst();
  }
}
