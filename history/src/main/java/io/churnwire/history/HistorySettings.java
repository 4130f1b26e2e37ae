package io.churnwire.history;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.PATH;
import static io.churnwire.config.ValueType.TEXT;
import static io.churnwire.config.ValueType.optional;

import io.churnwire.config.Rule;
import io.churnwire.config.Setting;
import io.churnwire.config.ValueType;
import io.churnwire.config.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The prediction history's settings, declared once for every process that records or reads it:
 * whether it is on, which store, who connects and with what password (from the environment or a
 * file, never a flag), how long predictions are kept and how many may wait to be written.
 */
public final class HistorySettings {
  private HistorySettings() {}

  /** Environment variable that may hold the store's password. */
  public static final String PASSWORD_VARIABLE = "CHURNWIRE_HISTORY_PASSWORD";

  /** The embedded store's file, relative to the working directory. */
  public static final String DEFAULT_URL = "jdbc:duckdb:var/predictions.duckdb";

  /** {@code on} or {@code off}; {@code true} and {@code false} are read too. Written as on/off. */
  static final ValueType<Boolean> ON_OFF = new ValueType<>("on or off", HistorySettings::onOff,
      value -> value ? "on" : "off");

  /**
   * A JDBC URL, read as given; written with any password or token in it masked, so that an error
   * message about a refused URL does not repeat the secret.
   */
  static final ValueType<String> JDBC_URL = new ValueType<>("a JDBC URL", text -> text, HistorySettings::masked);

  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)([?&;]\\s*(?:password|[a-z_]*token)\\s*=)[^&;]*");
  private static final Pattern USER_INFO =
      Pattern.compile("^(jdbc:[a-z]+://)[^/@?]*:[^/@?]*@", Pattern.CASE_INSENSITIVE);

  public static final Setting<Boolean> HISTORY = Setting.of("history", "churnwire.history.enabled", ON_OFF, true,
          "record every prediction and answer the insights calls; `off` records nothing")
      .environment("CHURNWIRE_HISTORY");

  public static final Setting<String> HISTORY_URL = Setting.of("history-url", "churnwire.history.url", JDBC_URL,
          DEFAULT_URL,
          "where predictions are kept: `jdbc:duckdb:<file>` (embedded, one process per file) or"
              + " `jdbc:postgresql://host:port/db`; never with a password in it")
      .environment("CHURNWIRE_HISTORY_URL")
      .require(new Rule<>("must be a jdbc:duckdb: or jdbc:postgresql: URL without a password or token in it"
          + " (give the password in " + PASSWORD_VARIABLE + " or --history-password-file)",
          HistorySettings::acceptableUrl));

  public static final Setting<Optional<String>> HISTORY_USER = Setting.of("history-user", "churnwire.history.user",
          optional(TEXT), Optional.empty(), "user the PostgreSQL store is reached as")
      .environment("CHURNWIRE_HISTORY_USER")
      .showDefaultAs("none");

  public static final Setting<Optional<Path>> HISTORY_PASSWORD_FILE = Setting.of("history-password-file",
          "churnwire.history.password-file", optional(PATH), Optional.empty(),
          "file holding the PostgreSQL password (one line); or set `" + PASSWORD_VARIABLE + "`, never a flag")
      .environment("CHURNWIRE_HISTORY_PASSWORD_FILE")
      .showDefaultAs("none");

  public static final Setting<Integer> HISTORY_RETENTION_DAYS = Setting.of("history-retention-days",
          "churnwire.history.retention-days", INTEGER, 180,
          "predictions older than this many days are deleted; 0 keeps them forever")
      .environment("CHURNWIRE_HISTORY_RETENTION_DAYS")
      .require(between(0, 36_500));

  public static final Setting<Integer> HISTORY_QUEUE_CAPACITY = Setting.of("history-queue-capacity",
          "churnwire.history.queue-capacity", INTEGER, 100_000,
          "predictions that may wait to be written; beyond it they are dropped and counted")
      .environment("CHURNWIRE_HISTORY_QUEUE_CAPACITY")
      .require(between(1, 10_000_000));

  /**
   * The history part of resolved {@code values}, with the password from the file they name or else
   * from {@value #PASSWORD_VARIABLE} in {@code environment}.
   *
   * @throws IllegalArgumentException when both give a password, or the file cannot be read
   */
  public static HistoryConfig config(Values values, Map<String, String> environment) {
    Optional<String> fromEnvironment = Optional.ofNullable(environment.get(PASSWORD_VARIABLE))
        .filter(password -> !password.isEmpty());
    Optional<Path> file = values.get(HISTORY_PASSWORD_FILE);
    if (file.isPresent() && fromEnvironment.isPresent()) {
      throw new IllegalArgumentException("history-password-file and " + PASSWORD_VARIABLE
          + " both give a password; set only one");
    }
    Optional<String> password = file.isPresent() ? Optional.of(readPassword(file.get())) : fromEnvironment;
    return new HistoryConfig(values.get(HISTORY), values.get(HISTORY_URL), values.get(HISTORY_USER), password,
        values.get(HISTORY_RETENTION_DAYS), values.get(HISTORY_QUEUE_CAPACITY), HistoryConfig.FLUSH_TIMEOUT);
  }

  /** Whether {@code url} names a store this module opens and carries no secret. */
  static boolean acceptableUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    boolean known = (lower.startsWith("jdbc:duckdb:") || lower.startsWith("jdbc:postgresql:"))
        && url.length() > "jdbc:duckdb:".length();
    return known && masked(url).equals(url);
  }

  /** {@code url} with the values of password and token parameters, and a URL's user info, masked. */
  static String masked(String url) {
    String withoutParameters = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(withoutParameters).replaceFirst("$1***@");
  }

  private static String readPassword(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String password = text.lines().findFirst().orElse("");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("history-password-file " + file + " is empty");
      }
      return password;
    } catch (IOException e) {
      throw new IllegalArgumentException("history-password-file " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static boolean onOff(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException("neither on nor off: " + text);
    };
  }
}
