package io.churnwire.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Command-line entry point. SIGTERM and SIGINT drain the server (health {@code NOT_SERVING}, no
 * new calls, in-flight calls finish) and exit 0, as orchestrators expect of a clean stop.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("churnwire-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (commandLine.config().isEmpty()) {
      System.out.println(commandLine.helpText());
      return;
    }
    ServerConfig config = commandLine.config().get();
    ServerApplication application = ServerApplication.start(config);
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch drained = new CountDownLatch(1);
    Runnable drain = () -> {
      if (stopping.compareAndSet(false, true)) {
        System.out.println("churnwire: draining");
        application.close();
        System.out.println("churnwire: stopped");
        drained.countDown();
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
    System.out.println("churnwire: try  grpcurl -plaintext localhost:" + application.port()
        + " describe churnwire.v1.ChurnService");
    drained.await();
  }
}
