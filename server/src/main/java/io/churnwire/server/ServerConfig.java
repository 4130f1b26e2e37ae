package io.churnwire.server;

import static io.churnwire.server.ServerSettings.ALL;
import static io.churnwire.server.ServerSettings.DRAIN_DELAY_SECONDS;
import static io.churnwire.server.ServerSettings.DRAIN_TIMEOUT_SECONDS;
import static io.churnwire.server.ServerSettings.HOST;
import static io.churnwire.server.ServerSettings.RELOAD_RETRY_MS;
import static io.churnwire.server.ServerSettings.KEEPALIVE_TIME_SECONDS;
import static io.churnwire.server.ServerSettings.KEEPALIVE_TIMEOUT_SECONDS;
import static io.churnwire.server.ServerSettings.PERMIT_KEEPALIVE_TIME_SECONDS;
import static io.churnwire.server.ServerSettings.PERMIT_KEEPALIVE_WITHOUT_CALLS;
import static io.churnwire.server.ServerSettings.MAX_CONNECTION_IDLE_SECONDS;
import static io.churnwire.server.ServerSettings.MAX_CONNECTION_AGE_SECONDS;
import static io.churnwire.server.ServerSettings.MAX_CONNECTION_AGE_GRACE_SECONDS;
import static io.churnwire.server.ServerSettings.MAX_CONNECTIONS;
import static io.churnwire.server.ServerSettings.MAX_BATCH_ITEMS;
import static io.churnwire.server.ServerSettings.MAX_CONCURRENT_STREAMS;
import static io.churnwire.server.ServerSettings.MAX_INBOUND_MESSAGE_BYTES;
import static io.churnwire.server.ServerSettings.MAX_IN_FLIGHT;
import static io.churnwire.server.ServerSettings.MODEL_DIR;
import static io.churnwire.server.ServerSettings.PORT;
import static io.churnwire.server.ServerSettings.RELOAD_INTERVAL_MS;
import static io.churnwire.server.ServerSettings.RETRY_PUSHBACK_MS;
import static io.churnwire.server.ServerSettings.SCORING_THREADS;
import static io.churnwire.server.ServerSettings.STREAM_WINDOW;
import static io.churnwire.server.ServerSettings.ADMIN_HOST;
import static io.churnwire.server.ServerSettings.ADMIN_PORT;
import static io.churnwire.server.ServerSettings.TLS_CERT_FILE;
import static io.churnwire.server.ServerSettings.TLS_KEY_FILE;
import static io.churnwire.server.ServerSettings.TLS_CLIENT_CA_FILE;
import static io.churnwire.server.ServerSettings.TLS_RELOAD_INTERVAL_SECONDS;
import static io.churnwire.server.ServerSettings.AUTH_TOKENS_FILE;
import static io.churnwire.server.ServerSettings.AUTH_TOKENS_RELOAD_INTERVAL_SECONDS;
import static io.churnwire.server.ServerSettings.ACCESS_LOG;

import io.churnwire.history.HistoryConfig;
import io.churnwire.history.HistorySettings;
import io.churnwire.telemetry.TelemetryConfig;
import io.churnwire.telemetry.TelemetrySettings;

import io.churnwire.config.Values;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting of the server, validated once at start so that a bad value fails fast with a
 * message naming it, instead of surfacing later as a strange runtime error.
 *
 * <p>Each field is a setting of {@code ServerSettings}, which declares its range, default, flag,
 * environment variable and properties key; the compact constructor checks every field against its
 * declaration, so a configuration built in code obeys the same rules as one read from a file.
 *
 * @param host                    address to bind; {@code 0.0.0.0} for all interfaces
 * @param port                    TCP port; 0 picks a free one
 * @param modelDir                model registry directory (versions/ and a production pointer)
 *                                written by the trainer; the production version is served
 * @param scoringThreads          threads that run the model
 * @param maxInFlight             scoring tasks admitted at once (running plus queued); beyond it
 *                                calls are answered {@code RESOURCE_EXHAUSTED}
 * @param streamWindow            items one {@code PredictBatch} stream may hold inside the server
 * @param maxBatchItems           largest {@code BatchPredict} request, in items
 * @param maxInboundMessageBytes  largest accepted request message
 * @param maxConcurrentStreams    concurrent calls per HTTP/2 connection
 * @param retryPushbackMillis     delay that overload answers ask clients to wait before retrying
 * @param drainTimeoutSeconds     time in-flight calls get to finish on shutdown
 * @param drainDelaySeconds       time between health turning NOT_SERVING on SIGTERM and the drain
 * @param reloadIntervalMillis    how often the registry's production pointer is checked for a new
 *                                model; 0 turns polling off (the admin RPC still reloads)
 * @param reloadRetryMillis       how long a rejected production model is answered from memory before
 *                                its unchanged files are validated again
 * @param keepAliveTimeSeconds    quiet time after which the server pings a client
 * @param keepAliveTimeoutSeconds time a server ping may go unanswered before the connection closes
 * @param permitKeepAliveTimeSeconds shortest client ping interval tolerated
 * @param permitKeepAliveWithoutCalls whether clients may ping with no call open
 * @param maxConnectionIdleSeconds a connection without calls this long is closed; 0 = never
 * @param maxConnectionAgeSeconds a connection this old is sent GOAWAY; 0 = never
 * @param maxConnectionAgeGraceSeconds time calls of an aged connection get to finish
 * @param maxConnections          client connections open at once; beyond, new ones are closed
 * @param adminHost               address the admin port ({@code ModelAdminService}) binds
 * @param adminPort               admin TCP port; 0 picks a free one
 * @param tlsCertFile             PEM certificate chain of both ports; TLS is on when given
 * @param tlsKeyFile              PEM PKCS#8 key of {@code tlsCertFile}; given with it or not at all
 * @param tlsClientCaFile         PEM authorities whose client certificates are required (mTLS); needs TLS
 * @param tlsReloadIntervalSeconds how often the TLS files are checked for changes; 0 = never
 * @param authTokensFile          bearer token hashes and certificate subjects with their roles; without
 *                                it the server is open
 * @param authTokensReloadIntervalSeconds how often the tokens file is checked for changes; 0 = never
 * @param accessLog               whether every call is logged in one line when it ends
 * @param telemetry               metrics port, log format and trace export
 * @param history                 whether and where predictions are recorded, and for how long
 * @param monitoring              the outcome horizon, outcome batches, drift window and thresholds, and
 *                                how often the monitoring gauges are recomputed
 */
public record ServerConfig(
    String host,
    int port,
    Path modelDir,
    int scoringThreads,
    int maxInFlight,
    int streamWindow,
    int maxBatchItems,
    int maxInboundMessageBytes,
    int maxConcurrentStreams,
    long retryPushbackMillis,
    long drainTimeoutSeconds,
    long drainDelaySeconds,
    long reloadIntervalMillis,
    long reloadRetryMillis,
    long keepAliveTimeSeconds,
    long keepAliveTimeoutSeconds,
    long permitKeepAliveTimeSeconds,
    boolean permitKeepAliveWithoutCalls,
    long maxConnectionIdleSeconds,
    long maxConnectionAgeSeconds,
    long maxConnectionAgeGraceSeconds,
    int maxConnections,
    String adminHost,
    int adminPort,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    Optional<Path> tlsClientCaFile,
    long tlsReloadIntervalSeconds,
    Optional<Path> authTokensFile,
    long authTokensReloadIntervalSeconds,
    boolean accessLog,
    TelemetryConfig telemetry,
    HistoryConfig history,
    MonitoringConfig monitoring) {

  /** Checks every field against its setting's rule. */
  public ServerConfig {
    HOST.check(host);
    PORT.check(port);
    MODEL_DIR.check(modelDir);
    SCORING_THREADS.check(scoringThreads);
    MAX_IN_FLIGHT.check(maxInFlight);
    STREAM_WINDOW.check(streamWindow);
    MAX_BATCH_ITEMS.check(maxBatchItems);
    MAX_INBOUND_MESSAGE_BYTES.check(maxInboundMessageBytes);
    MAX_CONCURRENT_STREAMS.check(maxConcurrentStreams);
    RETRY_PUSHBACK_MS.check(retryPushbackMillis);
    DRAIN_TIMEOUT_SECONDS.check(drainTimeoutSeconds);
    DRAIN_DELAY_SECONDS.check(drainDelaySeconds);
    RELOAD_INTERVAL_MS.check(reloadIntervalMillis);
    RELOAD_RETRY_MS.check(reloadRetryMillis);
    KEEPALIVE_TIME_SECONDS.check(keepAliveTimeSeconds);
    KEEPALIVE_TIMEOUT_SECONDS.check(keepAliveTimeoutSeconds);
    PERMIT_KEEPALIVE_TIME_SECONDS.check(permitKeepAliveTimeSeconds);
    PERMIT_KEEPALIVE_WITHOUT_CALLS.check(permitKeepAliveWithoutCalls);
    MAX_CONNECTION_IDLE_SECONDS.check(maxConnectionIdleSeconds);
    MAX_CONNECTION_AGE_SECONDS.check(maxConnectionAgeSeconds);
    MAX_CONNECTION_AGE_GRACE_SECONDS.check(maxConnectionAgeGraceSeconds);
    MAX_CONNECTIONS.check(maxConnections);
    ADMIN_HOST.check(adminHost);
    ADMIN_PORT.check(adminPort);
    TLS_CERT_FILE.check(tlsCertFile);
    TLS_KEY_FILE.check(tlsKeyFile);
    TLS_CLIENT_CA_FILE.check(tlsClientCaFile);
    TLS_RELOAD_INTERVAL_SECONDS.check(tlsReloadIntervalSeconds);
    AUTH_TOKENS_FILE.check(authTokensFile);
    AUTH_TOKENS_RELOAD_INTERVAL_SECONDS.check(authTokensReloadIntervalSeconds);
    ACCESS_LOG.check(accessLog);
    java.util.Objects.requireNonNull(telemetry, "telemetry");
    java.util.Objects.requireNonNull(history, "history");
    java.util.Objects.requireNonNull(monitoring, "monitoring");
    if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
      throw new IllegalArgumentException(
          "tls-cert-file and tls-key-file must be given together (TLS needs both the certificate and its key)");
    }
    if (tlsClientCaFile.isPresent() && tlsCertFile.isEmpty()) {
      throw new IllegalArgumentException("tls-client-ca-file needs TLS: give tls-cert-file and tls-key-file too");
    }
  }

  /** Whether both ports speak TLS. */
  public boolean tls() {
    return tlsCertFile.isPresent();
  }

  /** The declared defaults: port 50051, model registry in {@code ./models/default}. */
  public static ServerConfig defaults() {
    return from(ALL.defaults(), Map.of());
  }

  /**
   * Resolves command-line {@code args} and {@code environment}: flags, then environment variables,
   * then the properties file ({@code --config} or {@code CHURNWIRE_CONFIG}), then the defaults.
   *
   * @throws IllegalArgumentException for an unknown flag, a bad value or an unreadable file, with a
   *     message naming it
   */
  public static ServerConfig resolve(String[] args, Map<String, String> environment) {
    return from(ALL.resolve(args, environment), environment);
  }

  /** Reads the settings' keys from {@code properties}; missing keys keep their defaults. */
  public static ServerConfig fromProperties(Properties properties) {
    return from(ALL.fromProperties(properties), Map.of());
  }

  /** Writes every setting under its key. */
  public Properties toProperties() {
    return values().toProperties();
  }

  public ServerConfig withHost(String newHost) {
    return rebuilt(values().with(HOST, newHost));
  }

  /**
   * The public port {@code newPort}; 0 (a free port, as tests and embedded servers ask) also makes the
   * admin and metrics ports free ones, so servers started that way never contend for the fixed ports.
   */
  public ServerConfig withPort(int newPort) {
    Values values = values().with(PORT, newPort);
    return rebuilt(newPort == 0
        ? values.with(ADMIN_PORT, 0).with(TelemetrySettings.METRICS_PORT, telemetry.metricsPort() < 0 ? -1 : 0)
        : values);
  }

  /** Metrics port, log format and trace export. */
  public ServerConfig withTelemetry(TelemetryConfig newTelemetry) {
    return new ServerConfig(host, port, modelDir, scoringThreads, maxInFlight, streamWindow, maxBatchItems,
        maxInboundMessageBytes, maxConcurrentStreams, retryPushbackMillis, drainTimeoutSeconds, drainDelaySeconds,
        reloadIntervalMillis, reloadRetryMillis, keepAliveTimeSeconds, keepAliveTimeoutSeconds, permitKeepAliveTimeSeconds,
        permitKeepAliveWithoutCalls, maxConnectionIdleSeconds, maxConnectionAgeSeconds, maxConnectionAgeGraceSeconds,
        maxConnections, adminHost, adminPort, tlsCertFile, tlsKeyFile, tlsClientCaFile, tlsReloadIntervalSeconds,
        authTokensFile, authTokensReloadIntervalSeconds, accessLog, newTelemetry, history, monitoring);
  }

  /** Whether and where predictions are recorded; {@link HistoryConfig#off()} for none. */
  public ServerConfig withHistory(HistoryConfig newHistory) {
    return new ServerConfig(host, port, modelDir, scoringThreads, maxInFlight, streamWindow, maxBatchItems,
        maxInboundMessageBytes, maxConcurrentStreams, retryPushbackMillis, drainTimeoutSeconds, drainDelaySeconds,
        reloadIntervalMillis, reloadRetryMillis, keepAliveTimeSeconds, keepAliveTimeoutSeconds, permitKeepAliveTimeSeconds,
        permitKeepAliveWithoutCalls, maxConnectionIdleSeconds, maxConnectionAgeSeconds, maxConnectionAgeGraceSeconds,
        maxConnections, adminHost, adminPort, tlsCertFile, tlsKeyFile, tlsClientCaFile, tlsReloadIntervalSeconds,
        authTokensFile, authTokensReloadIntervalSeconds, accessLog, telemetry, newHistory, monitoring);
  }

  /** The outcome horizon, outcome batches, drift window and thresholds, and the gauges' refresh. */
  public ServerConfig withMonitoring(MonitoringConfig newMonitoring) {
    return rebuilt(MonitoringSettings.with(values(), newMonitoring));
  }

  /** Time between health turning {@code NOT_SERVING} on SIGTERM and the drain. */
  public ServerConfig withDrainDelaySeconds(long seconds) {
    return rebuilt(values().with(DRAIN_DELAY_SECONDS, seconds));
  }

  public ServerConfig withAccessLog(boolean on) {
    return rebuilt(values().with(ACCESS_LOG, on));
  }

  /** The admin port at {@code host:port}. */
  public ServerConfig withAdminAddress(String host, int port) {
    return rebuilt(values().with(ADMIN_HOST, host).with(ADMIN_PORT, port));
  }

  /** TLS on both ports with this certificate chain and key, re-read every {@code reloadSeconds} (0 = never). */
  public ServerConfig withTls(Path certFile, Path keyFile, long reloadSeconds) {
    return rebuilt(values().with(TLS_CERT_FILE, Optional.of(certFile)).with(TLS_KEY_FILE, Optional.of(keyFile))
        .with(TLS_RELOAD_INTERVAL_SECONDS, reloadSeconds));
  }

  /** Requires client certificates signed by the authorities in {@code caFile} (mTLS); needs {@link #withTls}. */
  public ServerConfig withClientCa(Path caFile) {
    return rebuilt(values().with(TLS_CLIENT_CA_FILE, Optional.of(caFile)));
  }

  /** Callers need a token or certificate subject listed in {@code tokensFile}, re-read every {@code reloadSeconds}. */
  public ServerConfig withAuthTokens(Path tokensFile, long reloadSeconds) {
    return rebuilt(values().with(AUTH_TOKENS_FILE, Optional.of(tokensFile))
        .with(AUTH_TOKENS_RELOAD_INTERVAL_SECONDS, reloadSeconds));
  }

  public ServerConfig withModelDir(Path newModelDir) {
    return rebuilt(values().with(MODEL_DIR, newModelDir));
  }

  public ServerConfig withScoringCapacity(int threads, int inFlight) {
    return rebuilt(values().with(SCORING_THREADS, threads).with(MAX_IN_FLIGHT, inFlight));
  }

  public ServerConfig withStreamWindow(int items) {
    return rebuilt(values().with(STREAM_WINDOW, items));
  }

  public ServerConfig withMaxBatchItems(int items) {
    return rebuilt(values().with(MAX_BATCH_ITEMS, items));
  }

  public ServerConfig withReloadIntervalMillis(long millis) {
    return rebuilt(values().with(RELOAD_INTERVAL_MS, millis));
  }

  public ServerConfig withReloadRetryMillis(long millis) {
    return rebuilt(values().with(RELOAD_RETRY_MS, millis));
  }

  /** Server pings after {@code timeSeconds} of quiet, closing after {@code timeoutSeconds} without an answer. */
  public ServerConfig withKeepAlive(long timeSeconds, long timeoutSeconds) {
    return rebuilt(values().with(KEEPALIVE_TIME_SECONDS, timeSeconds).with(KEEPALIVE_TIMEOUT_SECONDS, timeoutSeconds));
  }

  /** Clients may ping every {@code timeSeconds}, with no call open when {@code withoutCalls}. */
  public ServerConfig withPermittedKeepAlive(long timeSeconds, boolean withoutCalls) {
    return rebuilt(values().with(PERMIT_KEEPALIVE_TIME_SECONDS, timeSeconds)
        .with(PERMIT_KEEPALIVE_WITHOUT_CALLS, withoutCalls));
  }

  public ServerConfig withMaxConnectionIdleSeconds(long seconds) {
    return rebuilt(values().with(MAX_CONNECTION_IDLE_SECONDS, seconds));
  }

  /** Connections get GOAWAY after {@code ageSeconds}, then {@code graceSeconds} for their calls. */
  public ServerConfig withMaxConnectionAge(long ageSeconds, long graceSeconds) {
    return rebuilt(values().with(MAX_CONNECTION_AGE_SECONDS, ageSeconds)
        .with(MAX_CONNECTION_AGE_GRACE_SECONDS, graceSeconds));
  }

  public ServerConfig withMaxConnections(int connections) {
    return rebuilt(values().with(MAX_CONNECTIONS, connections));
  }

  /** {@code values} with this config's history, whose password is not among the settings' values. */
  private ServerConfig rebuilt(Values values) {
    return from(values, Map.of()).withHistory(history);
  }

  private static ServerConfig from(Values values, Map<String, String> environment) {
    return new ServerConfig(
        values.get(HOST),
        values.get(PORT),
        values.get(MODEL_DIR),
        values.get(SCORING_THREADS),
        values.get(MAX_IN_FLIGHT),
        values.get(STREAM_WINDOW),
        values.get(MAX_BATCH_ITEMS),
        values.get(MAX_INBOUND_MESSAGE_BYTES),
        values.get(MAX_CONCURRENT_STREAMS),
        values.get(RETRY_PUSHBACK_MS),
        values.get(DRAIN_TIMEOUT_SECONDS),
        values.get(DRAIN_DELAY_SECONDS),
        values.get(RELOAD_INTERVAL_MS),
        values.get(RELOAD_RETRY_MS),
        values.get(KEEPALIVE_TIME_SECONDS),
        values.get(KEEPALIVE_TIMEOUT_SECONDS),
        values.get(PERMIT_KEEPALIVE_TIME_SECONDS),
        values.get(PERMIT_KEEPALIVE_WITHOUT_CALLS),
        values.get(MAX_CONNECTION_IDLE_SECONDS),
        values.get(MAX_CONNECTION_AGE_SECONDS),
        values.get(MAX_CONNECTION_AGE_GRACE_SECONDS),
        values.get(MAX_CONNECTIONS),
        values.get(ADMIN_HOST),
        values.get(ADMIN_PORT),
        values.get(TLS_CERT_FILE),
        values.get(TLS_KEY_FILE),
        values.get(TLS_CLIENT_CA_FILE),
        values.get(TLS_RELOAD_INTERVAL_SECONDS),
        values.get(AUTH_TOKENS_FILE),
        values.get(AUTH_TOKENS_RELOAD_INTERVAL_SECONDS),
        values.get(ACCESS_LOG),
        TelemetrySettings.config(values, TelemetrySettings.METRICS_PORT),
        HistorySettings.config(values, environment),
        MonitoringSettings.config(values));
  }

  private Values values() {
    return MonitoringSettings.with(ALL.defaults(), monitoring)
        .with(HOST, host)
        .with(PORT, port)
        .with(MODEL_DIR, modelDir)
        .with(SCORING_THREADS, scoringThreads)
        .with(MAX_IN_FLIGHT, maxInFlight)
        .with(STREAM_WINDOW, streamWindow)
        .with(MAX_BATCH_ITEMS, maxBatchItems)
        .with(MAX_INBOUND_MESSAGE_BYTES, maxInboundMessageBytes)
        .with(MAX_CONCURRENT_STREAMS, maxConcurrentStreams)
        .with(RETRY_PUSHBACK_MS, retryPushbackMillis)
        .with(DRAIN_TIMEOUT_SECONDS, drainTimeoutSeconds)
        .with(DRAIN_DELAY_SECONDS, drainDelaySeconds)
        .with(RELOAD_INTERVAL_MS, reloadIntervalMillis)
        .with(RELOAD_RETRY_MS, reloadRetryMillis)
        .with(KEEPALIVE_TIME_SECONDS, keepAliveTimeSeconds)
        .with(KEEPALIVE_TIMEOUT_SECONDS, keepAliveTimeoutSeconds)
        .with(PERMIT_KEEPALIVE_TIME_SECONDS, permitKeepAliveTimeSeconds)
        .with(PERMIT_KEEPALIVE_WITHOUT_CALLS, permitKeepAliveWithoutCalls)
        .with(MAX_CONNECTION_IDLE_SECONDS, maxConnectionIdleSeconds)
        .with(MAX_CONNECTION_AGE_SECONDS, maxConnectionAgeSeconds)
        .with(MAX_CONNECTION_AGE_GRACE_SECONDS, maxConnectionAgeGraceSeconds)
        .with(MAX_CONNECTIONS, maxConnections)
        .with(ADMIN_HOST, adminHost)
        .with(ADMIN_PORT, adminPort)
        .with(TLS_CERT_FILE, tlsCertFile)
        .with(TLS_KEY_FILE, tlsKeyFile)
        .with(TLS_CLIENT_CA_FILE, tlsClientCaFile)
        .with(TLS_RELOAD_INTERVAL_SECONDS, tlsReloadIntervalSeconds)
        .with(AUTH_TOKENS_FILE, authTokensFile)
        .with(AUTH_TOKENS_RELOAD_INTERVAL_SECONDS, authTokensReloadIntervalSeconds)
        .with(ACCESS_LOG, accessLog)
        .with(TelemetrySettings.METRICS_HOST, telemetry.metricsHost())
        .with(TelemetrySettings.METRICS_PORT, telemetry.metricsPort())
        .with(TelemetrySettings.LOG_FORMAT, telemetry.logFormat())
        .with(TelemetrySettings.OTLP_ENDPOINT, telemetry.otlpEndpoint().map(Object::toString))
        .with(TelemetrySettings.TRACE_SAMPLE_RATIO, telemetry.traceSampleRatio())
        .with(HistorySettings.HISTORY, history.enabled())
        .with(HistorySettings.HISTORY_URL, history.url())
        .with(HistorySettings.HISTORY_USER, history.user())
        .with(HistorySettings.HISTORY_RETENTION_DAYS, history.retentionDays())
        .with(HistorySettings.HISTORY_QUEUE_CAPACITY, history.queueCapacity());
  }
}
