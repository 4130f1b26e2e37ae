package io.churnwire.config;

import java.util.stream.Collectors;

/**
 * Renders {@code --help} from the declarations. The table is Markdown so that the one a command
 * prints is, character for character, the one its README shows.
 */
final class HelpTable {
  private HelpTable() {}

  static String usage(Settings settings) {
    return """
        Usage: %s [--config=<file>] [--<flag>=<value> ...]

        %s

        Every setting is a flag, an environment variable and a key in an optional properties file
        (--config=<file> or %s).
        Flags win over the environment, which wins over the file, which wins over the defaults.

        %s""".formatted(settings.command(), settings.summary(), settings.configVariable(), markdown(settings));
  }

  static String markdown(Settings settings) {
    return settings.settings().stream()
        .map(setting -> row(settings, setting))
        .collect(Collectors.joining("\n",
            "| flag | environment | key | default | meaning |\n|---|---|---|---|---|\n", ""));
  }

  private static <T> String row(Settings settings, Setting<T> setting) {
    String shown = setting.shownDefault().isEmpty()
        ? "`" + setting.format(setting.defaultValue()) + "`"
        : setting.shownDefault();
    String flags = settings.aliasesOf(setting).stream()
        .map(alias -> ", `--" + alias + "`")
        .collect(Collectors.joining("", "`" + setting.flag() + "`", ""));
    return "| " + flags + " | `" + setting.environmentVariable() + "` | `" + setting.key() + "` | "
        + shown + " | " + setting.help() + " |";
  }
}
