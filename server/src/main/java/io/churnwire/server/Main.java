package io.churnwire.server;

import io.churnwire.telemetry.Logging;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.time.Duration;
import sun.misc.Signal;

/**
 * Command-line entry point. SIGTERM and SIGINT drain the server (health {@code NOT_SERVING}, calls
 * still served for {@code --drain-delay-seconds}, then no new calls and in-flight calls finish; see
 * {@link ShutdownSequence}) and exit 0, as orchestrators expect of a clean stop. The
 * process refuses Java deserialization outright (a JVM-wide filter that rejects every class):
 * models are compiled documents, and nothing the server reads is a Java object stream.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (ServerSettings.ALL.helpRequested(args)) {
      System.out.println(ServerSettings.ALL.help());
      return;
    }
    ServerConfig config;
    try {
      config = ServerConfig.resolve(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("churnwire-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.configure(config.telemetry().logFormat(), ServerApplication.SERVICE_NAME);
    ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter("!*"));
    ServerApplication application;
    try {
      application = ServerApplication.start(config);
    } catch (IOException e) {
      System.err.println("churnwire-server: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    ShutdownSequence shutdown =
        new ShutdownSequence(application, Duration.ofSeconds(config.drainDelaySeconds()), System.out);
    Runnable drain = () -> {
      try {
        shutdown.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Signal.handle(new Signal("TERM"), signal -> {
      drain.run();
      System.exit(0);
    });
    Signal.handle(new Signal("INT"), signal -> {
      drain.run();
      System.exit(0);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(drain, "churnwire-shutdown"));
    String version = application.models().current().map(ServingModel::version).orElse("none");
    System.out.println("churnwire: listening on " + config.host() + ":" + application.port()
        + ", serving model " + version);
    if (application.adminPort() > 0) {
      System.out.println("churnwire: admin (ModelAdminService) on " + config.adminHost() + ":"
          + application.adminPort());
    }
    if (application.metricsPort() > 0) {
      System.out.println("churnwire: metrics on http://" + config.telemetry().metricsHost() + ":"
          + application.metricsPort() + "/metrics");
    }
    System.out.println("churnwire: try  grpcurl " + (config.tls() ? "" : "-plaintext ") + "localhost:"
        + application.port() + " describe churnwire.v1.ChurnService");
    shutdown.awaitStopped();
  }
}
