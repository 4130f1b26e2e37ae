package io.churnwire.bridge;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: starts a bridge and keeps it until SIGTERM or Ctrl-C, then stops it gracefully.
 * Settings come from defaults, then {@code --config FILE}, then {@code CHURNWIRE_BRIDGE_*}
 * environment variables, then flags; the later source wins.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Consume PredictRequests, score them on the server, produce PredictResponses.")
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", description = "Properties file with churnwire.bridge.* keys.")
  Path configFile;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(names = "--server-target", description = "gRPC target of the scoring server (default 127.0.0.1:50051).")
  String serverTarget;

  @Option(names = "--group-id", description = "Consumer group shared by bridge instances (default churnwire-bridge).")
  String groupId;

  @Option(names = "--request-topic", description = "Topic of PredictRequests (default churn.requests).")
  String requestTopic;

  @Option(names = "--response-topic", description = "Topic of PredictResponses (default churn.predictions).")
  String responseTopic;

  @Option(names = "--dlq-topic", description = "Dead-letter topic (default churn.requests.dlq).")
  String dlqTopic;

  @Option(names = "--max-in-flight", description = "Records polled and not yet committed, at most (default 1000).")
  Integer maxInFlight;

  @Option(names = "--max-poll-records", description = "Records per poll, at most (default 500).")
  Integer maxPollRecords;

  @Option(names = "--commit-interval-ms", description = "Commit period while running (default 1000).")
  Long commitIntervalMs;

  @Option(names = "--retry-initial-ms", description = "First backoff after a transient error (default 100).")
  Long retryInitialMs;

  @Option(names = "--retry-max-ms", description = "Largest backoff (default 5000).")
  Long retryMaxMs;

  @Option(names = "--item-timeout-ms", description = "Unanswered item age that restarts the stream (default 30000).")
  Long itemTimeoutMs;

  @Option(names = "--drain-timeout-ms", description = "Time to finish in-flight records on stop or rebalance (default 30000).")
  Long drainTimeoutMs;

  @Option(names = "--session-timeout-ms",
      description = "Silence after which the group moves a crashed instance's partitions (default 45000).")
  Long sessionTimeoutMs;

  @Option(names = "--client-id", description = "Prefix of the Kafka client ids (default churnwire-bridge).")
  String clientId;

  @Override
  public Integer call() throws Exception {
    BridgeConfig config = BridgeConfig.fromProperties(settings());
    var bridge = KafkaBridge.start(config);
    var closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("bridge-shutdown").unstarted(() -> {
      bridge.close();
      System.err.println("Bridge stopped: " + bridge.stats());
      closed.countDown();
    }));
    while (!bridge.awaitTermination(Duration.ofSeconds(1))) {
      // The consumer loop only ends by itself on a fatal error; SIGTERM goes through the hook.
    }
    if (bridge.failure().isPresent()) {
      System.err.println("Bridge failed: " + bridge.failure().get());
      return 1;
    }
    closed.await();
    return 0;
  }

  private Properties settings() throws IOException {
    var p = new Properties();
    if (configFile != null) {
      try (Reader reader = Files.newBufferedReader(configFile)) {
        p.load(reader);
      }
    }
    p.putAll(BridgeConfig.fromEnvironment(System.getenv()));
    put(p, "bootstrap-servers", bootstrapServers);
    put(p, "server-target", serverTarget);
    put(p, "group-id", groupId);
    put(p, "request-topic", requestTopic);
    put(p, "response-topic", responseTopic);
    put(p, "dlq-topic", dlqTopic);
    put(p, "max-in-flight", maxInFlight);
    put(p, "max-poll-records", maxPollRecords);
    put(p, "commit-interval-ms", commitIntervalMs);
    put(p, "retry-initial-ms", retryInitialMs);
    put(p, "retry-max-ms", retryMaxMs);
    put(p, "item-timeout-ms", itemTimeoutMs);
    put(p, "drain-timeout-ms", drainTimeoutMs);
    put(p, "session-timeout-ms", sessionTimeoutMs);
    put(p, "client-id", clientId);
    return p;
  }

  private static void put(Properties p, String setting, Object value) {
    if (value != null) {
      p.setProperty(BridgeConfig.PREFIX + setting, value.toString());
    }
  }
}
