package io.churnwire.client;

import io.churnwire.server.ModelBootstrap;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts the real server in this JVM on Netty at 127.0.0.1 and a free port. All servers of a test
 * run share one model directory: the first trains the demo model into it, the others load it, so the
 * multi-second training happens once per run.
 */
public final class LiveServer {
  private static Path modelDir;

  private LiveServer() {}

  /** The configuration every test server starts from. */
  public static synchronized ServerConfig config() {
    if (modelDir == null) {
      try {
        modelDir = Files.createTempDirectory("churnwire-client-test-model");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path dir = modelDir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
    }
    return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withModelDir(modelDir);
  }

  public static ServerApplication start(ServerConfig config) throws IOException {
    return ServerApplication.start(config);
  }

  /** As {@link #start(ServerConfig)}, with {@code interceptor} seeing every call the server receives. */
  public static ServerApplication start(ServerConfig config, ServerInterceptor interceptor) throws IOException {
    return ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port())).intercept(interceptor),
        () -> ModelBootstrap.loadOrTrain(config));
  }

  public static String target(ServerApplication application) {
    return "127.0.0.1:" + application.port();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // Best effort at JVM exit: a leftover temporary directory is harmless.
    }
  }
}
