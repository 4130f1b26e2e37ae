package io.churnwire.telemetry;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's HTTP port: {@code /metrics} in the Prometheus text format or OpenMetrics, as the
 * scraper's {@code Accept} header asks (Prometheus client_java's own handler), and whatever else a
 * process adds with {@link #handle}. Kept apart from the gRPC ports, so scraping never competes
 * with calls for a connection and can be opened to a different network.
 */
public final class MetricsServer implements AutoCloseable {
  /** Where the metrics are served. */
  public static final String METRICS_PATH = "/metrics";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (0 picks a free port) and serves {@code registry} on {@link #METRICS_PATH}. */
  static MetricsServer start(String host, int port, PrometheusRegistry registry) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "churnwire-metrics-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext(METRICS_PATH, new MetricsHandler(registry));
    server.start();
    return new MetricsServer(server, executor);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Serves {@code path} and everything below it with {@code handler}. */
  public void handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
