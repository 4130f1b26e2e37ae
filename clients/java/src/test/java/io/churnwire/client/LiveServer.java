package io.churnwire.client;

import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ModelBootstrap;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the real server in this JVM on Netty at 127.0.0.1 and a free port. All servers of a test
 * run serve the production model of one shared registry, trained once per run; each records its
 * predictions in a DuckDB file of its own.
 */
public final class LiveServer {

  private LiveServer() {}

  /** The configuration every test server starts from, with a new, empty prediction history. */
  public static synchronized ServerConfig config() {
    return ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
        .withModelDir(io.churnwire.testsupport.DemoRegistry.shared())
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + newHistoryFile()));
  }

  private static Path newHistoryFile() {
    try {
      Path directory = Files.createTempDirectory("churnwire-client-history");
      directory.toFile().deleteOnExit();
      Path file = directory.resolve("predictions.duckdb");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ServerApplication start(ServerConfig config) throws IOException {
    return ServerApplication.start(config);
  }

  /** As {@link #start(ServerConfig)}, with {@code interceptor} seeing every call the server receives. */
  public static ServerApplication start(ServerConfig config, ServerInterceptor interceptor) throws IOException {
    return ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port())).intercept(interceptor),
        () -> ModelBootstrap.load(config));
  }

  /**
   * As {@link #start(ServerConfig, ServerInterceptor)}, speaking TLS with {@code credentials} (a
   * server certificate, and for mTLS the authority its clients' certificates must chain to).
   */
  public static ServerApplication start(ServerConfig config, ServerCredentials credentials,
      ServerInterceptor interceptor) throws IOException {
    return ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()), credentials)
            .intercept(interceptor),
        () -> ModelBootstrap.load(config));
  }

  public static String target(ServerApplication application) {
    return "127.0.0.1:" + application.port();
  }
}
