package io.churnwire.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Server replicas on fixed ports, picked free up front, so a load balancer configured with their
 * addresses finds each again after a rolling restart starts it anew on its port.
 */
final class Replicas implements AutoCloseable {
  private final Workspace workspace;
  private final String name;
  private final List<String> flags;
  private final List<Integer> ports;
  private final ServerProcess[] servers;
  private final int[] starts;

  private Replicas(Workspace workspace, String name, List<String> flags, List<Integer> ports) {
    this.workspace = workspace;
    this.name = name;
    this.flags = List.copyOf(flags);
    this.ports = List.copyOf(ports);
    this.servers = new ServerProcess[ports.size()];
    this.starts = new int[ports.size()];
  }

  /**
   * Starts {@code count} servers on the demo registry with {@code flags}, side by side; their
   * logs are {@code name-<replica>-<start>.log}.
   */
  static Replicas start(Workspace workspace, String name, int count, List<String> flags) throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(EnvoyGateway.freePort());
    }
    Replicas replicas = new Replicas(workspace, name, flags, ports);
    try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int replica = i;
        tasks.add(() -> {
          replicas.startAgain(replica);
          return null;
        });
      }
      for (Future<Void> started : starting.invokeAll(tasks)) {
        started.get();
      }
    } catch (ExecutionException e) {
      replicas.close();
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    return replicas;
  }

  /** The replicas' ports on 127.0.0.1, in order. */
  List<Integer> ports() {
    return ports;
  }

  int size() {
    return ports.size();
  }

  /** SIGTERM to {@code replica}: it drains as it would under an orchestrator. */
  void sigterm(int replica) {
    servers[replica].sigterm();
  }

  /** Waits up to {@code bound} for {@code replica} to exit; its exit code, empty when it had to be killed. */
  OptionalInt awaitExit(int replica, Duration bound) throws InterruptedException {
    return servers[replica].awaitExit(bound);
  }

  /** Starts {@code replica} (again) on its port; returns once it listens. */
  void startAgain(int replica) throws IOException, InterruptedException {
    starts[replica]++;
    Path log = workspace.log(name + "-" + replica + "-" + starts[replica]);
    servers[replica] = ServerProcess.startOn(ports.get(replica), workspace.checkout(), workspace.demoRegistry(),
        log, flags);
  }

  /** Stops every replica still running, side by side (each drains as on SIGTERM). */
  @Override
  public void close() throws InterruptedException {
    try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ServerProcess server : servers) {
        if (server != null) {
          stopping.execute(() -> {
            try {
              server.close();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        }
      }
    }
  }
}
