package io.churnwire.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Turns flags, environment variables and an optional properties file into a {@link ServerConfig}.
 * Precedence, highest first: flags, environment, file ({@code --config} or
 * {@code CHURNWIRE_CONFIG}), embedded defaults.
 *
 * @param config   the resolved configuration, empty when help was asked for
 * @param helpText the usage text
 */
public record CommandLine(Optional<ServerConfig> config, String helpText) {

  /** Environment variable naming the properties file. */
  public static final String CONFIG_FILE_VARIABLE = "CHURNWIRE_CONFIG";

  /**
   * Parses {@code args} against {@code environment}.
   *
   * @throws IllegalArgumentException for an unknown flag, a missing value or an invalid setting
   * @throws IOException              when the properties file cannot be read
   */
  public static CommandLine parse(String[] args, Map<String, String> environment) throws IOException {
    Properties flags = new Properties();
    Optional<Path> configFile = Optional.ofNullable(environment.get(CONFIG_FILE_VARIABLE))
        .filter(value -> !value.isBlank())
        .map(Path::of);
    List<String> remaining = Arrays.asList(args);
    for (int i = 0; i < remaining.size(); i++) {
      String arg = remaining.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        return new CommandLine(Optional.empty(), help());
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; see --help");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < remaining.size()) {
        value = remaining.get(++i);
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value; see --help");
      }
      if (name.equals("config")) {
        configFile = Optional.of(Path.of(value));
        continue;
      }
      flags.setProperty(option(name).key(), value);
    }

    Properties merged = new Properties();
    if (configFile.isPresent()) {
      try (Reader reader = Files.newBufferedReader(configFile.get())) {
        merged.load(reader);
      }
    }
    for (ConfigOption option : ConfigOption.values()) {
      String value = environment.get(option.environmentVariable());
      if (value != null) {
        merged.setProperty(option.key(), value);
      }
    }
    merged.putAll(flags);
    return new CommandLine(Optional.of(ServerConfig.fromProperties(merged)), help());
  }

  private static ConfigOption option(String flag) {
    return Arrays.stream(ConfigOption.values())
        .filter(option -> option.flag().equals(flag))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown flag --" + flag + "; see --help"));
  }

  /** The usage text listing every option with its flag, variable, key and default. */
  public static String help() {
    Properties defaults = ServerConfig.defaults().toProperties();
    String options = Arrays.stream(ConfigOption.values())
        .map(option -> String.format(
            "  --%s=<value>%n      %s%n      env %s, key %s, default '%s'",
            option.flag(), option.description(), option.environmentVariable(), option.key(),
            defaults.getProperty(option.key())))
        .collect(Collectors.joining(System.lineSeparator()));
    return String.join(System.lineSeparator(),
        "Usage: churnwire-server [--config=<file>] [--<option>=<value> ...]",
        "",
        "Serves churn predictions over gRPC (churnwire.v1.ChurnService), with gRPC health and",
        "reflection. Flags win over environment variables, which win over the properties file",
        "(--config or " + CONFIG_FILE_VARIABLE + "), which wins over the defaults below.",
        "",
        "  --config=<file>",
        "      Java properties file with any of the keys below.",
        "  --help",
        "      Show this text and exit.",
        options);
  }
}
