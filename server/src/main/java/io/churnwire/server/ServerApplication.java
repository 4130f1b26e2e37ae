package io.churnwire.server;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.ModelRegistry;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled server: scoring executor, model, {@code ChurnService}, {@code ModelAdminService},
 * health and reflection on one gRPC server. The port is bound before the model is loaded, so health
 * checks answer {@code NOT_SERVING} while a first model trains, and {@code SERVING} once it is
 * ready. From then on a {@link ModelReloader} follows the registry in {@code --model-dir}: a newly
 * promoted model is swapped in without dropping a call, and a bad one is rejected while health
 * stays {@code SERVING}.
 */
public final class ServerApplication implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerApplication.class);

  private final ServerConfig config;
  private final ChurnServer server;
  private final ScoringExecutor executor;
  private final ModelHolder models;
  private final ServingStats stats;
  private final ModelReloader reloader;
  private final Optional<NettyTransport> transport;

  private ServerApplication(ServerConfig config, ChurnServer server, ScoringExecutor executor,
      ModelHolder models, ServingStats stats, ModelReloader reloader, Optional<NettyTransport> transport) {
    this.config = config;
    this.server = server;
    this.executor = executor;
    this.models = models;
    this.stats = stats;
    this.reloader = reloader;
    this.transport = transport;
  }

  /** Loads a model; the seam that lets tests supply one without touching disk. */
  @FunctionalInterface
  public interface ModelLoader {
    ChurnModel load() throws IOException;
  }

  /** Starts on Netty at {@code config.host():config.port()} with the model from {@link ModelBootstrap}. */
  public static ServerApplication start(ServerConfig config) throws IOException {
    return startOnNetty(config, () -> ModelBootstrap.load(config));
  }

  /**
   * Starts on Netty at {@code config.host():config.port()} with every connection setting of
   * {@code config} (keepalive, connection idle time, age and bound), serving the model of
   * {@code loader}.
   */
  static ServerApplication startOnNetty(ServerConfig config, ModelLoader loader) throws IOException {
    NettyTransport transport = NettyTransport.of(config);
    try {
      return start(config, transport.builder(), loader, Optional.of(transport));
    } catch (IOException | RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * Starts on {@code builder}, then loads the model and reports {@code SERVING}.
   *
   * @throws IOException when the port cannot be bound or the model cannot be loaded; the server is
   *     stopped again before this is thrown
   */
  public static ServerApplication start(ServerConfig config, ServerBuilder<?> builder, ModelLoader loader)
      throws IOException {
    return start(config, builder, loader, Optional.empty());
  }

  private static ServerApplication start(ServerConfig config, ServerBuilder<?> builder, ModelLoader loader,
      Optional<NettyTransport> transport) throws IOException {
    TransportLog.install();
    ScoringExecutor executor = new ScoringExecutor(config.scoringThreads(), config.maxInFlight());
    ModelHolder models = new ModelHolder();
    ServingStats stats = new ServingStats();
    HealthStatusManager health = new HealthStatusManager();
    ModelReloader reloader = new ModelReloader(ModelRegistry.at(config.modelDir()), models,
        Duration.ofMillis(config.reloadRetryMillis()));
    builder
        .addService(RequestGuard.guard(new ChurnServiceImpl(new Predictor(models, stats), executor, stats, config)))
        .addService(RequestGuard.guard(new ModelAdminServiceImpl(reloader, models)))
        .addService(RequestGuard.guard(health.getHealthService()))
        .addService(RequestGuard.guard(ProtoReflectionServiceV1.newInstance()))
        .addService(RequestGuard.guard(legacyReflection()));
    ChurnServer server = new ChurnServer(builder, health).start();
    ServerApplication application = new ServerApplication(config, server, executor, models, stats, reloader,
        transport);
    try {
      ServingModel model = ServingModel.of(loader.load());
      models.swap(model);
      server.markServing();
      reloader.start(config.reloadIntervalMillis());
      log.info("serving model {} on port {}", model.version(), server.port());
    } catch (IOException | RuntimeException e) {
      application.close();
      throw e instanceof IOException io ? io : new IOException("model rejected: " + e.getMessage(), e);
    }
    return application;
  }

  /** v1alpha reflection, still the only one older grpcurl and IDE clients speak. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return ProtoReflectionService.newInstance();
  }

  public int port() {
    return server.port();
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

  /** Drains gracefully (see {@link ChurnServer#stop}), then stops the scoring threads. */
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
      transport.ifPresent(NettyTransport::close);
    }
  }
}
