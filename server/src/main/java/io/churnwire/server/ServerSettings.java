package io.churnwire.server;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.ValueType.BOOLEAN;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.LONG;
import static io.churnwire.config.ValueType.PATH;
import static io.churnwire.config.ValueType.TEXT;
import static io.churnwire.config.ValueType.optional;

import io.churnwire.config.Setting;
import io.churnwire.config.Settings;
import io.churnwire.history.HistorySettings;
import io.churnwire.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's settings, each declared once with its flag, environment variable, key, default,
 * range and help; {@link ServerConfig} holds their values, and {@code --help} and the README's
 * configuration table are generated from here.
 */
final class ServerSettings {
  private ServerSettings() {}

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  static final Setting<String> HOST = Setting.of("host", "churnwire.server.host", TEXT, "0.0.0.0",
          "address to bind")
      .environment("CHURNWIRE_HOST")
      .require(notBlank());

  static final Setting<Integer> PORT = Setting.of("port", "churnwire.server.port", INTEGER, 50051,
          "gRPC port; 0 picks a free one")
      .environment("CHURNWIRE_PORT")
      .require(between(0, 65_535));

  static final Setting<Path> MODEL_DIR = Setting.of("model-dir", "churnwire.model.dir", PATH,
          Path.of("models", "default"),
          "model registry (`versions/` + `production` pointer) written by `churnwire-model`; its production"
              + " version is served")
      .environment("CHURNWIRE_MODEL_DIR");

  static final Setting<Long> RELOAD_INTERVAL_MS = Setting.of("reload-interval-ms",
          "churnwire.model.reload-interval-ms", LONG, 2_000L,
          "how often the `production` pointer is checked; 0 = off (`ReloadModel` still works)")
      .environment("CHURNWIRE_RELOAD_INTERVAL_MS")
      .require(between(0, 86_400_000));

  static final Setting<Integer> SCORING_THREADS = Setting.of("scoring-threads", "churnwire.scoring.threads",
          INTEGER, CORES, "threads that run the model")
      .environment("CHURNWIRE_SCORING_THREADS")
      .showDefaultAs("cores")
      .require(between(1, 1_024));

  static final Setting<Integer> MAX_IN_FLIGHT = Setting.of("max-in-flight", "churnwire.scoring.max-in-flight",
          INTEGER, 32 * CORES, "scoring capacity in cost units (a plain item 1, an explained item 16, a `BatchPredict` per chunk"
              + " of items); beyond, `RESOURCE_EXHAUSTED`")
      .environment("CHURNWIRE_MAX_IN_FLIGHT")
      .showDefaultAs("32 × cores")
      .require(between(1, 1_000_000));

  static final Setting<Integer> STREAM_WINDOW = Setting.of("stream-window", "churnwire.scoring.stream-window",
          INTEGER, 32, "items one `PredictBatch` stream may hold in the server")
      .environment("CHURNWIRE_STREAM_WINDOW")
      .require(between(1, 10_000));

  static final Setting<Integer> MAX_BATCH_ITEMS = Setting.of("max-batch-items",
          "churnwire.scoring.max-batch-items", INTEGER, 1_000, "largest `BatchPredict` request")
      .environment("CHURNWIRE_MAX_BATCH_ITEMS")
      .require(between(1, 1_000_000));

  static final Setting<Integer> MAX_INBOUND_MESSAGE_BYTES = Setting.of("max-inbound-message-bytes",
          "churnwire.server.max-inbound-message-bytes", INTEGER, 4 * 1024 * 1024, "largest request message")
      .environment("CHURNWIRE_MAX_INBOUND_MESSAGE_BYTES")
      .showDefaultAs("4 MiB")
      .require(between(1_024, Integer.MAX_VALUE));

  static final Setting<Integer> MAX_CONCURRENT_STREAMS = Setting.of("max-concurrent-streams",
          "churnwire.server.max-concurrent-streams", INTEGER, 100, "concurrent calls per HTTP/2 connection")
      .environment("CHURNWIRE_MAX_CONCURRENT_STREAMS")
      .require(between(1, Integer.MAX_VALUE));

  static final Setting<Long> RETRY_PUSHBACK_MS = Setting.of("retry-pushback-ms",
          "churnwire.scoring.retry-pushback-ms", LONG, 100L, "retry delay suggested by overload answers")
      .environment("CHURNWIRE_RETRY_PUSHBACK_MS")
      .require(between(0, 3_600_000));

  static final Setting<Long> RELOAD_RETRY_MS = Setting.of("reload-retry-ms", "churnwire.model.reload-retry-ms",
          LONG, 60_000L,
          "how long a rejected production model is answered from memory (by `ReloadModel` and the poller)"
              + " before its unchanged files are validated again; a new pointer or changed files are checked at once")
      .environment("CHURNWIRE_RELOAD_RETRY_MS")
      .require(between(0, 86_400_000));

  static final Setting<Long> KEEPALIVE_TIME_SECONDS = Setting.of("keepalive-time-seconds",
          "churnwire.server.keepalive-time-seconds", LONG, 7_200L,
          "quiet time after which the server pings a client to find dead connections; 2 h is gRPC's"
              + " default; lower it behind a load balancer that drops quiet connections sooner")
      .environment("CHURNWIRE_KEEPALIVE_TIME_SECONDS")
      .require(between(1, 604_800));

  static final Setting<Long> KEEPALIVE_TIMEOUT_SECONDS = Setting.of("keepalive-timeout-seconds",
          "churnwire.server.keepalive-timeout-seconds", LONG, 20L,
          "time a ping may go unanswered before the connection is closed (gRPC's default)")
      .environment("CHURNWIRE_KEEPALIVE_TIMEOUT_SECONDS")
      .require(between(1, 3_600));

  static final Setting<Long> PERMIT_KEEPALIVE_TIME_SECONDS = Setting.of("permit-keepalive-time-seconds",
          "churnwire.server.permit-keepalive-time-seconds", LONG, 10L,
          "shortest client ping interval tolerated; a client pinging more often gets GOAWAY"
              + " `ENHANCE_YOUR_CALM` (`too_many_pings`); 10 s admits the shortest keepalive grpc-java clients"
              + " allow (gRPC's server default of 5 min refuses common 30 s client settings)")
      .environment("CHURNWIRE_PERMIT_KEEPALIVE_TIME_SECONDS")
      .require(between(0, 86_400));

  static final Setting<Boolean> PERMIT_KEEPALIVE_WITHOUT_CALLS = Setting.of("permit-keepalive-without-calls",
          "churnwire.server.permit-keepalive-without-calls", BOOLEAN, false,
          "whether clients may ping while they have no call open; off, as in gRPC, since idle connections"
              + " are closed after `--max-connection-idle-seconds` anyway")
      .environment("CHURNWIRE_PERMIT_KEEPALIVE_WITHOUT_CALLS");

  static final Setting<Long> MAX_CONNECTION_IDLE_SECONDS = Setting.of("max-connection-idle-seconds",
          "churnwire.server.max-connection-idle-seconds", LONG, 900L,
          "a connection without calls for this long is closed with GOAWAY; 0 = never")
      .environment("CHURNWIRE_MAX_CONNECTION_IDLE_SECONDS")
      .require(between(0, 604_800));

  static final Setting<Long> MAX_CONNECTION_AGE_SECONDS = Setting.of("max-connection-age-seconds",
          "churnwire.server.max-connection-age-seconds", LONG, 1_800L,
          "a connection older than this (±10 %) gets GOAWAY, so clients reconnect and a load balancer can"
              + " spread them over new replicas; 0 = never")
      .environment("CHURNWIRE_MAX_CONNECTION_AGE_SECONDS")
      .require(between(0, 604_800));

  static final Setting<Long> MAX_CONNECTION_AGE_GRACE_SECONDS = Setting.of("max-connection-age-grace-seconds",
          "churnwire.server.max-connection-age-grace-seconds", LONG, 300L,
          "time calls open at the GOAWAY of an aged connection get to finish before it is closed")
      .environment("CHURNWIRE_MAX_CONNECTION_AGE_GRACE_SECONDS")
      .require(between(0, 86_400));

  static final Setting<Integer> MAX_CONNECTIONS = Setting.of("max-connections", "churnwire.server.max-connections",
          INTEGER, 1_000,
          "client connections open at once; beyond, a new connection is closed as soon as it is accepted"
              + " (logged at most once a minute), so clients that leak channels cannot exhaust memory and"
              + " file descriptors")
      .environment("CHURNWIRE_MAX_CONNECTIONS")
      .require(between(1, 1_000_000));

  static final Setting<String> ADMIN_HOST = Setting.of("admin-host", "churnwire.admin.host", TEXT, "127.0.0.1",
          "address the admin port binds; only this host reaches `ModelAdminService` unless it is opened wider")
      .environment("CHURNWIRE_ADMIN_HOST")
      .require(notBlank());

  static final Setting<Integer> ADMIN_PORT = Setting.of("admin-port", "churnwire.admin.port", INTEGER, 50052,
          "admin gRPC port (`ModelAdminService`, health, reflection); 0 picks a free one")
      .environment("CHURNWIRE_ADMIN_PORT")
      .require(between(0, 65_535));

  static final Setting<Optional<Path>> TLS_CERT_FILE = Setting.of("tls-cert-file", "churnwire.tls.cert-file",
          optional(PATH), Optional.empty(),
          "PEM certificate chain of both ports; with `--tls-key-file`, TLS is on and plaintext clients are refused")
      .environment("CHURNWIRE_TLS_CERT_FILE")
      .showDefaultAs("none (plaintext)");

  static final Setting<Optional<Path>> TLS_KEY_FILE = Setting.of("tls-key-file", "churnwire.tls.key-file",
          optional(PATH), Optional.empty(), "PEM PKCS#8 private key of `--tls-cert-file`")
      .environment("CHURNWIRE_TLS_KEY_FILE")
      .showDefaultAs("none");

  static final Setting<Optional<Path>> TLS_CLIENT_CA_FILE = Setting.of("tls-client-ca-file",
          "churnwire.tls.client-ca-file", optional(PATH), Optional.empty(),
          "PEM certificate authorities; when given, every client must present a certificate they signed (mTLS)")
      .environment("CHURNWIRE_TLS_CLIENT_CA_FILE")
      .showDefaultAs("none");

  static final Setting<Long> TLS_RELOAD_INTERVAL_SECONDS = Setting.of("tls-reload-interval-seconds",
          "churnwire.tls.reload-interval-seconds", LONG, 60L,
          "how often the certificate, key and client CA files are checked and, when changed, re-read without a"
              + " restart; 0 = never")
      .environment("CHURNWIRE_TLS_RELOAD_INTERVAL_SECONDS")
      .require(between(0, 86_400));

  static final Setting<Optional<Path>> AUTH_TOKENS_FILE = Setting.of("auth-tokens-file",
          "churnwire.auth.tokens-file", optional(PATH), Optional.empty(),
          "bearer tokens (`sha256:<hex> <roles>`) and mTLS subjects (`subject:<RFC 2253> <roles>`) with their roles"
              + " (`predict`, `admin`, `insights`, `outcomes`); without it every caller may do everything")
      .environment("CHURNWIRE_AUTH_TOKENS_FILE")
      .showDefaultAs("none (open)");

  static final Setting<Long> AUTH_TOKENS_RELOAD_INTERVAL_SECONDS = Setting.of("auth-tokens-reload-interval-seconds",
          "churnwire.auth.tokens-reload-interval-seconds", LONG, 10L,
          "how often the tokens file is checked and, when changed, re-read; a file that does not parse keeps the"
              + " previous tokens; 0 = never")
      .environment("CHURNWIRE_AUTH_TOKENS_RELOAD_INTERVAL_SECONDS")
      .require(between(0, 86_400));

  static final Setting<Long> DRAIN_TIMEOUT_SECONDS = Setting.of("drain-timeout-seconds",
          "churnwire.server.drain-timeout-seconds", LONG, 30L, "time in-flight calls get on shutdown")
      .environment("CHURNWIRE_DRAIN_TIMEOUT_SECONDS")
      .require(between(0, 3_600));

  static final Setting<Long> DRAIN_DELAY_SECONDS = Setting.of("drain-delay-seconds",
          "churnwire.server.drain-delay-seconds", LONG, 0L,
          "time between health turning `NOT_SERVING` on SIGTERM and the drain, while calls are still served, so a"
              + " load balancer's health check or a readiness probe takes the replica out first; behind one, set it"
              + " above the check's interval times its unhealthy threshold (e.g. 5); 0 drains at once; a second"
              + " SIGTERM or SIGINT ends it early")
      .environment("CHURNWIRE_DRAIN_DELAY_SECONDS")
      .require(between(0, 3_600));

  static final Setting<Boolean> ACCESS_LOG = Setting.of("access-log", "churnwire.log.access", BOOLEAN, true,
          "one line per call when it ends: method, status, duration, model version, request id")
      .environment("CHURNWIRE_ACCESS_LOG");

  static final Settings ALL = Settings.of("churnwire-server",
      "Serves churn predictions over gRPC (churnwire.v1.ChurnService), with gRPC health and reflection;"
          + " ModelAdminService on a separate admin port.",
      "CHURNWIRE_CONFIG",
      HOST, PORT, MODEL_DIR, RELOAD_INTERVAL_MS, SCORING_THREADS, MAX_IN_FLIGHT, STREAM_WINDOW,
      MAX_BATCH_ITEMS, MAX_INBOUND_MESSAGE_BYTES, MAX_CONCURRENT_STREAMS, RETRY_PUSHBACK_MS, RELOAD_RETRY_MS,
      KEEPALIVE_TIME_SECONDS, KEEPALIVE_TIMEOUT_SECONDS, PERMIT_KEEPALIVE_TIME_SECONDS,
      PERMIT_KEEPALIVE_WITHOUT_CALLS, MAX_CONNECTION_IDLE_SECONDS, MAX_CONNECTION_AGE_SECONDS,
      MAX_CONNECTION_AGE_GRACE_SECONDS, MAX_CONNECTIONS, ADMIN_HOST, ADMIN_PORT, TLS_CERT_FILE, TLS_KEY_FILE,
      TLS_CLIENT_CA_FILE, TLS_RELOAD_INTERVAL_SECONDS, AUTH_TOKENS_FILE, AUTH_TOKENS_RELOAD_INTERVAL_SECONDS,
      DRAIN_TIMEOUT_SECONDS, DRAIN_DELAY_SECONDS, ACCESS_LOG, TelemetrySettings.METRICS_HOST, TelemetrySettings.METRICS_PORT,
      TelemetrySettings.LOG_FORMAT, TelemetrySettings.OTLP_ENDPOINT, TelemetrySettings.TRACE_SAMPLE_RATIO,
      HistorySettings.HISTORY, HistorySettings.HISTORY_URL, HistorySettings.HISTORY_USER,
      HistorySettings.HISTORY_PASSWORD_FILE, HistorySettings.HISTORY_RETENTION_DAYS,
      HistorySettings.HISTORY_QUEUE_CAPACITY, MonitoringSettings.OUTCOME_HORIZON_DAYS,
      MonitoringSettings.OUTCOMES_MAX_BATCH, MonitoringSettings.DRIFT_WINDOW_HOURS,
      MonitoringSettings.DRIFT_MODERATE_PSI, MonitoringSettings.DRIFT_PSI_THRESHOLD,
      MonitoringSettings.DRIFT_FEATURE_SHARE, MonitoringSettings.MONITORING_REFRESH_SECONDS);
}
