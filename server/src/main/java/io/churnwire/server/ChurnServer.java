package io.churnwire.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the gRPC server's lifecycle and nothing else: start, health transitions, graceful drain.
 * It takes its {@link ServerBuilder} from outside so tests can hand it an in-process one.
 */
public final class ChurnServer {
  private static final Logger log = LoggerFactory.getLogger(ChurnServer.class);

  private final Server server;
  private final HealthStatusManager health;
  private boolean stopped;

  /**
   * @param builder a builder with every service except health already added
   * @param health  the health service, also added to {@code builder} by the caller
   */
  public ChurnServer(ServerBuilder<?> builder, HealthStatusManager health) {
    this.health = health;
    this.server = builder.build();
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(ServiceNames.CHURN_SERVICE, ServingStatus.NOT_SERVING);
  }

  public ChurnServer start() throws IOException {
    server.start();
    return this;
  }

  /** The bound port; -1 for transports without one. */
  public int port() {
    return server.getPort();
  }

  /** Reports {@code SERVING} once a model is loaded. */
  public void markServing() {
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(ServiceNames.CHURN_SERVICE, ServingStatus.SERVING);
  }

  /**
   * Drains: health goes {@code NOT_SERVING} so load balancers stop sending, new calls are refused,
   * calls in flight get up to {@code timeoutSeconds} to finish, and only then are the rest cancelled.
   *
   * @return true when every call finished within the time
   */
  public synchronized boolean stop(long timeoutSeconds) throws InterruptedException {
    if (stopped) {
      return server.isTerminated();
    }
    stopped = true;
    health.enterTerminalState();
    server.shutdown();
    boolean drained = server.awaitTermination(timeoutSeconds, TimeUnit.SECONDS);
    if (!drained) {
      log.warn("calls still running after {} s; cancelling them", timeoutSeconds);
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    return drained;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
