package io.churnwire.cli;

import static io.churnwire.cli.Converters.DURATION;
import static io.churnwire.cli.Converters.TIME;
import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.Rule.positive;
import static io.churnwire.config.ValueType.BOOLEAN;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.LONG;
import static io.churnwire.config.ValueType.PATH;
import static io.churnwire.config.ValueType.TEXT;
import static io.churnwire.config.ValueType.optional;

import io.churnwire.config.Setting;
import io.churnwire.config.Settings;
import io.churnwire.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The settings of the {@code churnwire} subcommands, each declared once with its flag, key
 * ({@code churnwire.cli.<flag>}), environment variable ({@code CHURNWIRE_CLI_<FLAG>}, but
 * {@code CHURNWIRE_TARGET} for the target, and the {@code CHURNWIRE_TLS*} and
 * {@code CHURNWIRE_TOKEN*} variables that every Churnwire client reads), default, rule and help, as
 * every Churnwire process declares its settings. The customer that {@code predict} scores is the request rather than a
 * setting, so its features stay plain picocli options. One properties file ({@code --config} or
 * {@code CHURNWIRE_CLI_CONFIG}) serves every subcommand.
 */
final class CliSettings {
  private CliSettings() {}

  static final Setting<String> TARGET = setting("target", TEXT, "localhost:50051", "server address as host:port")
      .environment("CHURNWIRE_TARGET")
      .require(notBlank());

  static final Setting<Integer> MAX_ATTEMPTS = setting("max-attempts", INTEGER, 5,
      "attempts per call on `UNAVAILABLE` or `RESOURCE_EXHAUSTED`, waiting as long as the server asks; "
          + "1 disables retries").require(between(1, 1_000));

  static final Setting<Duration> TIMEOUT = setting("timeout", DURATION, Duration.ofSeconds(5),
      "deadline of the call, retries included, e.g. `500ms`, `5s`, `1m`").require(positive());

  static final Setting<Boolean> TLS = setting("tls", BOOLEAN, false,
      "speak TLS, trusting the platform's trust store unless `--tls-ca-file` is given; implied by "
          + "`--tls-ca-file` and `--tls-cert-file`").environment("CHURNWIRE_TLS");

  static final Setting<Optional<Path>> TLS_CA_FILE = setting("tls-ca-file", optional(PATH), Optional.empty(),
      "PEM certificates of the authorities the server's certificate must chain to; implies `--tls`")
      .environment("CHURNWIRE_TLS_CA_FILE").showDefaultAs("platform trust store");

  static final Setting<Optional<Path>> TLS_CERT_FILE = setting("tls-cert-file", optional(PATH), Optional.empty(),
      "PEM client certificate chain presented to a server that requires one (mTLS), with `--tls-key-file`")
      .environment("CHURNWIRE_TLS_CLIENT_CERT_FILE").showDefaultAs("none");

  static final Setting<Optional<Path>> TLS_KEY_FILE = setting("tls-key-file", optional(PATH), Optional.empty(),
      "PEM PKCS#8 private key of `--tls-cert-file`").environment("CHURNWIRE_TLS_CLIENT_KEY_FILE").showDefaultAs("none");

  static final Setting<Optional<String>> TOKEN = setting("token", optional(TEXT), Optional.empty(),
      "bearer token sent as `authorization: Bearer <token>` on every call, only over TLS or to a loopback "
          + "address; a flag shows in the process list, so prefer `--token-file` or the variable")
      .environment("CHURNWIRE_TOKEN").showDefaultAs("none");

  static final Setting<Optional<Path>> TOKEN_FILE = setting("token-file", optional(PATH), Optional.empty(),
      "file whose first line is the bearer token, read again when it changes; instead of `--token`")
      .environment("CHURNWIRE_TOKEN_FILE").showDefaultAs("none");

  static final Setting<Integer> REQUESTS = setting("requests", INTEGER, 1_000, "calls to make");

  static final Setting<Integer> CONCURRENCY = setting("concurrency", INTEGER, 32, "calls in flight at most");

  static final Setting<Duration> MAX_DELAY = setting("max-delay", DURATION, Duration.ofMillis(2),
      "upper bound of the random pause before each call");

  static final Setting<Duration> MIN_TIMEOUT = setting("min-timeout", DURATION, Duration.ofMillis(50),
      "lower bound of each call's random deadline");

  static final Setting<Duration> MAX_TIMEOUT = setting("max-timeout", DURATION, Duration.ofSeconds(1),
      "upper bound of each call's random deadline");

  static final Setting<Integer> INVALID_PERCENT = setting("invalid-percent", INTEGER, 0,
      "percentage of calls sent with invalid features");

  static final Setting<Duration> MAX_DURATION = setting("max-duration", DURATION, Duration.ofSeconds(60),
      "stop issuing calls after this long");

  static final Setting<Optional<Long>> SEED = setting("seed", optional(LONG), Optional.empty(),
      "seed of the random customers, pauses and deadlines").showDefaultAs("random");

  static final Setting<Boolean> QUIET = setting("quiet", BOOLEAN, false, "no progress display");

  static final Setting<Optional<Instant>> START_TIME = setting("start-time", optional(TIME), Optional.empty(),
      "only predictions at or after this time, e.g. `2026-12-01T00:00:00Z`").showDefaultAs("none");

  static final Setting<Optional<Instant>> END_TIME = setting("end-time", optional(TIME), Optional.empty(),
      "only predictions before this time").showDefaultAs("none");

  private static final String CONFIG_VARIABLE = "CHURNWIRE_CLI_CONFIG";

  private static final Settings PREDICT_ONLY = Settings.of("churnwire predict",
      "Scores one customer.", CONFIG_VARIABLE, TARGET, MAX_ATTEMPTS, TIMEOUT, TLS, TLS_CA_FILE, TLS_CERT_FILE,
      TLS_KEY_FILE, TOKEN, TOKEN_FILE);

  private static final Settings LOAD_ONLY = Settings.of("churnwire load",
      "Sends random customers and reports throughput and latency.", CONFIG_VARIABLE, TARGET, MAX_ATTEMPTS,
      TLS, TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE, TOKEN, TOKEN_FILE, REQUESTS, CONCURRENCY, MAX_DELAY,
      MIN_TIMEOUT, MAX_TIMEOUT, INVALID_PERCENT, MAX_DURATION, SEED, QUIET);

  /** The settings of {@code predict}. */
  static final Settings PREDICT = PREDICT_ONLY.sharingFileWith(LOAD_ONLY);

  /** The settings of {@code metadata}: those of {@code predict}, a call being a call. */
  static final Settings METADATA = Settings.of("churnwire metadata", "Prints the served model's metadata.",
      CONFIG_VARIABLE, TARGET, MAX_ATTEMPTS, TIMEOUT, TLS, TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE, TOKEN,
      TOKEN_FILE).sharingFileWith(LOAD_ONLY);

  /** The settings of {@code stats}: those of {@code metadata} and the time range. */
  static final Settings STATS = Settings.of("churnwire stats", "Prints statistics of the recorded predictions.",
      CONFIG_VARIABLE, TARGET, MAX_ATTEMPTS, TIMEOUT, TLS, TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE, TOKEN,
      TOKEN_FILE, START_TIME, END_TIME).sharingFileWith(LOAD_ONLY);

  /** The settings of {@code load}; each call's deadline is drawn between its two timeouts. */
  static final Settings LOAD = LOAD_ONLY.sharingFileWith(PREDICT_ONLY);

  private static <T> Setting<T> setting(String name, ValueType<T> type, T defaultValue, String help) {
    return Setting.of(name, "churnwire.cli." + name, type, defaultValue, help);
  }
}
