package io.churnwire.server;

import io.churnwire.console.ConsoleSite;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.telemetry.Telemetry;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled server: scoring executor, model, {@code ChurnService} with health and reflection on
 * the public port, and {@code ModelAdminService} with health and reflection on the admin port
 * ({@code --admin-host}, by default reachable from this host only). Both speak TLS when certificates
 * are configured, and every call but health passes the token check when a tokens file is (see
 * {@link AuthInterceptor}). The ports are bound before the model is loaded, so health
 * checks answer {@code NOT_SERVING} while a first model trains, and {@code SERVING} once it is
 * ready. From then on a {@link ModelReloader} follows the registry in {@code --model-dir}: a newly
 * promoted model is swapped in without dropping a call, and a bad one is rejected while health
 * stays {@code SERVING}.
 */
public final class ServerApplication implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerApplication.class);

  /** How the server names itself in metrics, traces and JSON logs. */
  public static final String SERVICE_NAME = "churnwire-server";

  private final ServerConfig config;
  private final ChurnServer server;
  private final ScoringExecutor executor;
  private final ModelHolder models;
  private final ServingStats stats;
  private final ModelReloader reloader;
  private final Optional<NettyTransport> transport;
  private final ServerSecurity security;
  private final Telemetry telemetry;
  private final PredictionHistory history;

  private ServerApplication(ServerConfig config, ChurnServer server, ScoringExecutor executor,
      ModelHolder models, ServingStats stats, ModelReloader reloader, Optional<NettyTransport> transport,
      ServerSecurity security, Telemetry telemetry, PredictionHistory history) {
    this.config = config;
    this.server = server;
    this.executor = executor;
    this.models = models;
    this.stats = stats;
    this.reloader = reloader;
    this.transport = transport;
    this.security = security;
    this.telemetry = telemetry;
    this.history = history;
  }

  /** Loads a model; the seam that lets tests supply one without touching disk. */
  @FunctionalInterface
  public interface ModelLoader {
    ChurnModel load() throws IOException;
  }

  /**
   * Starts on Netty at {@code config.host():config.port()} and {@code config.adminHost():config.adminPort()}
   * with the model from {@link ModelBootstrap}.
   */
  public static ServerApplication start(ServerConfig config) throws IOException {
    return startOnNetty(config, () -> ModelBootstrap.load(config));
  }

  /**
   * Starts on Netty at the public and admin addresses of {@code config} with its TLS, token and
   * connection settings (keepalive, connection idle time, age and bound), serving the model of
   * {@code loader}.
   */
  static ServerApplication startOnNetty(ServerConfig config, ModelLoader loader) throws IOException {
    ServerSecurity security = ServerSecurity.of(config);
    NettyTransport transport;
    try {
      transport = NettyTransport.of(config, security.credentials());
    } catch (RuntimeException e) {
      security.close();
      throw e;
    }
    try {
      return start(config, transport.builder(), Optional.of(transport.adminBuilder()), loader, Optional.of(transport),
          security);
    } catch (IOException | RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * Starts {@code ChurnService}, health and reflection on {@code builder}, without an admin server,
   * then loads the model and reports {@code SERVING}. The builder's transport is used as given; the
   * tokens file of {@code config}, when set, is enforced.
   *
   * @throws IOException when the port cannot be bound or the model cannot be loaded; the server is
   *     stopped again before this is thrown
   */
  public static ServerApplication start(ServerConfig config, ServerBuilder<?> builder, ModelLoader loader)
      throws IOException {
    return start(config, builder, Optional.empty(), loader);
  }

  /**
   * As {@link #start(ServerConfig, ServerBuilder, ModelLoader)}, with {@code ModelAdminService},
   * health and reflection on {@code adminBuilder}.
   */
  public static ServerApplication start(ServerConfig config, ServerBuilder<?> builder, ServerBuilder<?> adminBuilder,
      ModelLoader loader) throws IOException {
    return start(config, builder, Optional.of(adminBuilder), loader);
  }

  private static ServerApplication start(ServerConfig config, ServerBuilder<?> builder,
      Optional<ServerBuilder<?>> adminBuilder, ModelLoader loader) throws IOException {
    return start(config, builder, adminBuilder, loader, Optional.empty(), ServerSecurity.of(config));
  }

  private static ServerApplication start(ServerConfig config, ServerBuilder<?> builder,
      Optional<ServerBuilder<?>> adminBuilder, ModelLoader loader, Optional<NettyTransport> transport,
      ServerSecurity security) throws IOException {
    TransportLog.install();
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start(SERVICE_NAME, config.telemetry());
    } catch (IOException e) {
      security.close();
      throw e;
    }
    if (telemetry.metricsPort() < 0) {
      log.info("metrics port off: no web console at {} nor API docs at {}",
          ConsoleSite.CONSOLE_PATH, ConsoleSite.DOCS_PATH);
    } else {
      ConsoleSite.handlers().forEach(telemetry::handle);
    }
    GrpcOpenTelemetry callMetrics = GrpcOpenTelemetry.newBuilder().sdk(telemetry.openTelemetry()).build();
    callMetrics.configureServerBuilder(builder);
    adminBuilder.ifPresent(callMetrics::configureServerBuilder);
    observeCalls(builder, config, telemetry);
    adminBuilder.ifPresent(admin -> observeCalls(admin, config, telemetry));
    ServerMetrics metrics = ServerMetrics.of(telemetry);
    PredictionHistory history;
    try {
      history = PredictionHistory.start(config.history(), metrics.history());
    } catch (IOException e) {
      security.close();
      telemetry.close();
      throw e;
    }
    ScoringExecutor executor = new ScoringExecutor(config.scoringThreads(), config.maxInFlight());
    ModelHolder models = new ModelHolder();
    ServingStats stats = new ServingStats();
    metrics.observeScoring(executor);
    metrics.observeStreams(config.streamWindow());
    metrics.observeModel(models);
    transport.ifPresent(netty -> metrics.observeConnections(netty.connections()));
    HealthStatusManager health = new HealthStatusManager();
    history.reportHealth(health);
    telemetry.handle(HealthEndpoint.PATH, new HealthEndpoint(health));
    ModelReloader reloader = new ModelReloader(ModelRegistry.at(config.modelDir()), models,
        Duration.ofMillis(config.reloadRetryMillis()), metrics);
    builder.addService(security.secure(ServerInterceptors.intercept(
        RequestGuard.guard(
            new ChurnServiceImpl(new Predictor(models, stats, metrics, history.sink()), executor, stats, config, metrics)),
        new UndecodableRequestCounter(metrics))));
    builder.addService(security.secure(RequestGuard.guard(history.insightsService(Clock.systemUTC()))));
    builder.addService(security.secure(RequestGuard.guard(history.monitoringService(models,
        ModelRegistry.at(config.modelDir()), config.monitoring(), metrics, Clock.systemUTC()))));
    addCommonServices(builder, health, security);
    adminBuilder.ifPresent(admin -> {
      admin.addService(security.secure(RequestGuard.guard(new ModelAdminServiceImpl(reloader, models))));
      addCommonServices(admin, health, security);
    });
    ChurnServer server;
    try {
      security.logPosture(transport.isPresent());
      server = new ChurnServer(builder, adminBuilder, health).start();
    } catch (IOException | RuntimeException e) {
      reloader.close();
      executor.close();
      history.close();
      security.close();
      telemetry.close();
      throw e;
    }
    ServerApplication application = new ServerApplication(config, server, executor, models, stats, reloader,
        transport, security, telemetry, history);
    try {
      ServingModel model = ServingModel.of(loader.load());
      models.swap(model);
      server.markServing();
      reloader.start(config.reloadIntervalMillis());
      log.info("serving model {} on port {}{}", model.version(), server.port(),
          server.adminPort() > 0 ? ", admin on port " + server.adminPort() : "");
    } catch (IOException | RuntimeException e) {
      application.close();
      throw e instanceof IOException io ? io : new IOException("model rejected: " + e.getMessage(), e);
    }
    return application;
  }

  /**
   * Outside everything that can refuse a call, outermost first: the call's span, its record
   * (request id in the MDC and the response header) and, unless {@code --access-log=false}, its
   * access line. Interceptors added last run first.
   */
  private static void observeCalls(ServerBuilder<?> builder, ServerConfig config, Telemetry telemetry) {
    if (config.accessLog()) {
      builder.intercept(new AccessLog());
    }
    builder.intercept(new CallRecords());
    builder.intercept(CallTracing.interceptor(telemetry, config.telemetry().tracing()));
  }

  /** Health (always open) and both reflection versions (any valid credential), on either port. */
  private static void addCommonServices(ServerBuilder<?> builder, HealthStatusManager health,
      ServerSecurity security) {
    builder
        .addService(security.secure(RequestGuard.guard(health.getHealthService())))
        .addService(security.secure(RequestGuard.guard(ProtoReflectionServiceV1.newInstance())))
        .addService(security.secure(RequestGuard.guard(legacyReflection())));
  }

  /** v1alpha reflection, still the only one older grpcurl and IDE clients speak. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return ProtoReflectionService.newInstance();
  }

  public int port() {
    return server.port();
  }

  /** The bound admin port ({@code ModelAdminService}); -1 when started without an admin server. */
  public int adminPort() {
    return server.adminPort();
  }

  /** The addresses the admin server listens on; empty when started without one. */
  List<? extends SocketAddress> adminAddresses() {
    return server.adminAddresses();
  }

  /** The bound metrics port ({@code /metrics}); -1 when it is off. */
  public int metricsPort() {
    return telemetry.metricsPort();
  }

  /** This server's OpenTelemetry: its meters, tracer and metrics port. */
  public Telemetry telemetry() {
    return telemetry;
  }

  public ServerConfig config() {
    return config;
  }

  public ModelHolder models() {
    return models;
  }

  public ServingStats stats() {
    return stats;
  }

  public ScoringExecutor executor() {
    return executor;
  }

  /** The bound on open connections, when the server runs on its own Netty transport. */
  Optional<ConnectionLimiter> connections() {
    return transport.map(NettyTransport::connections);
  }

  /** Follows the registry's production pointer; also reachable through {@code ModelAdminService}. */
  public ModelReloader reloader() {
    return reloader;
  }

  /** Blocks until the server has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * The first step of a shutdown: health {@code NOT_SERVING} for every service, calls still served
   * (see {@link ChurnServer#stopServingHealth}); {@link #close} drains afterwards.
   */
  public void stopServingHealth() {
    server.stopServingHealth();
  }

  /**
   * Drains gracefully (see {@link ChurnServer#stop}), stops the scoring threads, then writes every
   * prediction still queued for the history before its store closes.
   */
  @Override
  public void close() {
    reloader.close();
    try {
      server.stop(config.drainTimeoutSeconds());
      executor.shutdown(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      executor.close();
      history.close();
      transport.ifPresent(NettyTransport::close);
      security.close();
      telemetry.close();
    }
  }
}
