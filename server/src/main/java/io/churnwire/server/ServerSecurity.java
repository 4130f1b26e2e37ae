package io.churnwire.server;

import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's security as configured: TLS credentials for both ports (or none: plaintext) and the
 * {@link AuthInterceptor} over the tokens file (or none: open), with the one thread that re-reads
 * their files as they change. Built before anything binds, so a bad certificate or tokens file stops
 * the start with a message naming it.
 */
final class ServerSecurity implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerSecurity.class);

  private final ScheduledExecutorService reloads;
  private final Optional<ServerTls> tls;
  private final Optional<AuthInterceptor> auth;

  private ServerSecurity(ScheduledExecutorService reloads, Optional<ServerTls> tls, Optional<AuthInterceptor> auth) {
    this.reloads = reloads;
    this.tls = tls;
    this.auth = auth;
  }

  /**
   * Reads the certificate and tokens files of {@code config} and starts following them.
   *
   * @throws IOException naming the file, and for the tokens file the line, that is bad
   */
  static ServerSecurity of(ServerConfig config) throws IOException {
    ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "churnwire-security-reload");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Optional<ServerTls> tls = Optional.empty();
      if (config.tls()) {
        tls = Optional.of(ServerTls.of(config, reloads));
      }
      Optional<AuthInterceptor> auth = Optional.empty();
      if (config.authTokensFile().isPresent()) {
        AuthTokensFile tokens = AuthTokensFile.load(config.authTokensFile().get());
        long interval = config.authTokensReloadIntervalSeconds();
        if (interval > 0) {
          reloads.scheduleWithFixedDelay(tokens::refresh, interval, interval, TimeUnit.SECONDS);
        }
        auth = Optional.of(new AuthInterceptor(tokens));
      }
      return new ServerSecurity(reloads, tls, auth);
    } catch (IOException | RuntimeException e) {
      reloads.shutdownNow();
      throw e;
    }
  }

  /** TLS credentials for both ports; empty when they run plaintext. */
  Optional<ServerCredentials> credentials() {
    return tls.map(ServerTls::credentials);
  }

  /** {@code service} behind the token check, or as it is when the server runs open. */
  ServerServiceDefinition secure(ServerServiceDefinition service) {
    return auth.<ServerServiceDefinition>map(interceptor -> ServerInterceptors.intercept(service,
        (ServerInterceptor) interceptor)).orElse(service);
  }

  /** Says in one line each when the server runs open or plaintext. */
  void logPosture(boolean ownTransport) {
    if (auth.isEmpty()) {
      log.warn("no --auth-tokens-file: the server runs open, every caller may predict and administer");
    }
    if (ownTransport && tls.isEmpty()) {
      log.warn("no --tls-cert-file: both ports run plaintext");
    }
  }

  @Override
  public void close() {
    reloads.shutdownNow();
  }
}
