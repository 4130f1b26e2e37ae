package io.churnwire.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The precedence of {@link Settings#resolve}: every source is first reduced to text per setting,
 * later sources overwriting earlier ones, and only the winning text is parsed, so a bad value is
 * reported with the source that gave it.
 */
final class Resolver {
  private Resolver() {}

  /** A setting's text and where it came from, for error messages. */
  private record Text(String value, String origin) {}

  /** The flags' texts by setting name, and the properties file they or the environment name. */
  private record CommandLine(Map<String, Text> flags, Optional<String> configFile) {}

  static Values resolve(Settings settings, String[] args, Map<String, String> environment) {
    CommandLine commandLine = read(settings, args, environment);
    Map<String, Text> texts = new LinkedHashMap<>();
    if (commandLine.configFile().isPresent()) {
      Path file = Path.of(commandLine.configFile().get());
      texts.putAll(fromFile(settings, read(file), file.toString()));
    }
    for (Setting<?> setting : settings.settings()) {
      nonBlank(environment.get(setting.environmentVariable()))
          .ifPresent(value -> texts.put(setting.name(), new Text(value, setting.environmentVariable())));
    }
    texts.putAll(commandLine.flags());
    return parse(settings, texts);
  }

  static Optional<Path> configFile(Settings settings, String[] args, Map<String, String> environment) {
    return read(settings, args, environment).configFile().map(Path::of);
  }

  private static CommandLine read(Settings settings, String[] args, Map<String, String> environment) {
    Map<String, Text> flags = new LinkedHashMap<>();
    Optional<String> configFile = nonBlank(environment.get(settings.configVariable()));
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; see --help");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq >= 0 ? eq : arg.length());
      Optional<Setting<?>> setting = settings.named(name);
      if (!name.equals(Settings.CONFIG_FLAG) && setting.isEmpty()) {
        throw new IllegalArgumentException("unknown flag --" + name + "; see --help");
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (setting.isPresent() && setting.get().type().equals(ValueType.BOOLEAN)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value; see --help");
      }
      if (setting.isEmpty()) {
        configFile = Optional.of(value);
      } else {
        flags.put(setting.get().name(), new Text(value, "--" + name));
      }
    }
    return new CommandLine(flags, configFile);
  }

  static Values fromProperties(Settings settings, Properties properties) {
    return parse(settings, fromFile(settings, properties, ""));
  }

  private static Map<String, Text> fromFile(Settings settings, Properties properties, String file) {
    Set<String> namespaces = new TreeSet<>();
    for (Setting<?> setting : settings.settings()) {
      namespaces.add(setting.key().substring(0, setting.key().lastIndexOf('.') + 1));
    }
    Map<String, Text> texts = new LinkedHashMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      Optional<Setting<?>> setting = settings.keyed(key);
      if (setting.isPresent()) {
        texts.put(setting.get().name(), new Text(properties.getProperty(key), file.isEmpty() ? "" : key + " in " + file));
      } else if (!settings.sharedKeys().contains(key) && namespaces.stream().anyMatch(key::startsWith)) {
        throw new IllegalArgumentException(
            "unknown setting '" + key + "'" + (file.isEmpty() ? "" : " in " + file));
      }
    }
    return texts;
  }

  private static Values parse(Settings settings, Map<String, Text> texts) {
    Values values = settings.defaults();
    for (Map.Entry<String, Text> entry : texts.entrySet()) {
      Setting<?> setting = settings.named(entry.getKey()).orElseThrow();
      Text text = entry.getValue();
      try {
        values = values.withText(setting, text.value().strip());
      } catch (IllegalArgumentException e) {
        if (text.origin().isEmpty()) {
          throw e;
        }
        throw new IllegalArgumentException(e.getMessage() + " (from " + text.origin() + ")", e);
      }
    }
    return values;
  }

  private static Properties read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
    return properties;
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).filter(text -> !text.isBlank());
  }
}
