package io.churnwire.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the lifecycle of the public gRPC server and, when there is one, the admin server, and
 * nothing else: start, health transitions, graceful drain of both. It takes its
 * {@link ServerBuilder}s from outside so tests can hand it in-process ones.
 */
public final class ChurnServer {
  private static final Logger log = LoggerFactory.getLogger(ChurnServer.class);

  private final Server server;
  private final Optional<Server> admin;
  private final HealthStatusManager health;
  private boolean stopped;
  private boolean notServing;

  /**
   * @param builder a builder with every service except health already added
   * @param health  the health service, also added to {@code builder} by the caller
   */
  public ChurnServer(ServerBuilder<?> builder, HealthStatusManager health) {
    this(builder, Optional.empty(), health);
  }

  /**
   * @param builder the public server's builder, its services added
   * @param admin   the admin server's builder, its services added, or empty for none
   * @param health  the health service, added to both builders by the caller
   */
  public ChurnServer(ServerBuilder<?> builder, Optional<? extends ServerBuilder<?>> admin,
      HealthStatusManager health) {
    this.health = health;
    this.server = builder.build();
    this.admin = admin.map(ServerBuilder::build);
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(ServiceNames.CHURN_SERVICE, ServingStatus.NOT_SERVING);
  }

  /** Binds the public port, then the admin port; when the second fails, the first is released again. */
  public ChurnServer start() throws IOException {
    server.start();
    if (admin.isPresent()) {
      try {
        admin.get().start();
      } catch (IOException e) {
        server.shutdownNow();
        throw new IOException("cannot bind the admin port: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
    }
    return this;
  }

  /** The bound public port; -1 for transports without one. */
  public int port() {
    return server.getPort();
  }

  /** The bound admin port; -1 when there is no admin server or its transport has no port. */
  public int adminPort() {
    return admin.map(Server::getPort).orElse(-1);
  }

  /** The addresses the admin server listens on; empty when there is none. */
  public List<? extends SocketAddress> adminAddresses() {
    return admin.map(Server::getListenSockets).orElse(List.of());
  }

  /** Reports {@code SERVING} once a model is loaded. */
  public void markServing() {
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(ServiceNames.CHURN_SERVICE, ServingStatus.SERVING);
  }

  /**
   * Health goes {@code NOT_SERVING} for every service on both ports, for good, while calls are
   * still served: the first step of a drain, so load balancers stop sending before anything is
   * refused. {@link #stop} does it too when it has not been done.
   */
  public synchronized void stopServingHealth() {
    if (!notServing) {
      notServing = true;
      health.enterTerminalState();
    }
  }

  /**
   * Drains: health goes {@code NOT_SERVING} on both ports so load balancers stop sending, new calls
   * are refused, calls in flight get up to {@code timeoutSeconds} to finish, and only then are the
   * rest cancelled.
   *
   * @return true when every call finished within the time
   */
  public synchronized boolean stop(long timeoutSeconds) throws InterruptedException {
    List<Server> servers = servers();
    if (stopped) {
      return servers.stream().allMatch(Server::isTerminated);
    }
    stopped = true;
    stopServingHealth();
    servers.forEach(Server::shutdown);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    boolean drained = true;
    for (Server each : servers) {
      drained &= each.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    if (!drained) {
      log.warn("calls still running after {} s; cancelling them", timeoutSeconds);
      for (Server each : servers) {
        each.shutdownNow();
        each.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return drained;
  }

  public void awaitTermination() throws InterruptedException {
    for (Server each : servers()) {
      each.awaitTermination();
    }
  }

  private List<Server> servers() {
    List<Server> servers = new ArrayList<>(List.of(server));
    admin.ifPresent(servers::add);
    return servers;
  }
}
