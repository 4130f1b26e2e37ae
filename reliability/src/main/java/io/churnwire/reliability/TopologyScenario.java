package io.churnwire.reliability;

import io.churnwire.kafka.local.LocalKafka;
import io.churnwire.kafka.local.LocalKafkaConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.PredictRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Scenario 6: the deployed topology on one machine. Two servers behind one Envoy (a health-checked
 * cluster that retries a refused call on the other server), two bridges in one consumer group
 * scoring through Envoy, with gRPC, REST and Kafka load running; each round one server gets
 * SIGTERM and is started again on its port (a rolling restart), then one bridge gets SIGKILL and
 * is started again. Expected: no failed gRPC or REST call, every Kafka request answered (the
 * duplicates at-least-once allows are counted), and each restarted server answering calls again.
 * The long form adds control runs, each without a safeguard, to show which failures the
 * safeguards prevent; the one without either must fail calls, or the scenario could not tell.
 */
final class TopologyScenario implements Scenario {
  /** Health checks every 500 ms; two failed ones take a server out, within 1 s of its NOT_SERVING. */
  static final ReplicaRouting ROUTING = new ReplicaRouting(Duration.ofMillis(500), 2, true);
  /** Longer than {@code ROUTING.outOfRotationWithin()}, with room for checks slowed by a busy host. */
  static final Duration DRAIN_DELAY = Duration.ofSeconds(3);
  /** The control runs: the tested safeguards, one or both taken away. */
  static final List<Safeguards> CONTROLS = List.of(new Safeguards(Duration.ZERO, false),
      new Safeguards(Duration.ZERO, true), new Safeguards(DRAIN_DELAY, false));
  /**
   * Scoring capacity of each server: the whole load, the bridges' streams included, on one server
   * while the other restarts, as a deployment sizes its replicas.
   */
  private static final int CAPACITY = 256;
  /** Rolling restarts in each control run: how soon Envoy notices a stopping server varies. */
  private static final int CONTROL_RESTARTS = 3;
  /** In-flight calls' time once the delay is over; a bridge's long-lived stream holds a drain that long. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
  private static final int SERVERS = 2;
  private static final int BRIDGES = 2;
  private static final int PARTITIONS = 4;
  private static final int GRPC_CALLERS = 2;
  private static final int REST_CALLERS = 2;
  /** Each caller's pace, about 50 calls a second. */
  private static final Duration CALL_PERIOD = Duration.ofMillis(20);
  private static final int KAFKA_REQUESTS_PER_SECOND = 100;
  /** Production stops when the disruptions are over, long before this. */
  private static final int PRODUCTION_CAP_SECONDS = 3_600;
  /** The broker's smallest allowed session timeout; a killed bridge's partitions move after it. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  /** Load before the first disruption, and after each. */
  private static final Duration STEADY = Duration.ofSeconds(2);
  private static final RequestTopics TOPICS =
      new RequestTopics("topology.requests", "topology.predictions", "topology.dlq", "topology");

  /**
   * What protects calls from a stopping server: a drain delay (health {@code NOT_SERVING} while
   * calls are still served) and Envoy's retries on another server.
   */
  record Safeguards(Duration drainDelay, boolean retries) {
    String label() {
      return (drainDelay.isZero() ? "no drain delay" : "drain delay " + drainDelay.toSeconds() + " s")
          + (retries ? ", retries" : ", no retries");
    }
  }

  @Override
  public int number() {
    return 6;
  }

  @Override
  public String name() {
    return "rolling restart behind Envoy";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    figures.add(new Figure("topology", SERVERS + " servers behind one Envoy (health checks every "
        + ROUTING.healthCheckInterval().toMillis() + " ms, out after " + ROUTING.unhealthyThreshold()
        + " failed, retries on another server), --drain-delay-seconds " + DRAIN_DELAY.toSeconds() + "; "
        + BRIDGES + " bridges in one group on " + PARTITIONS + " partitions, scoring through Envoy"));
    tested(scale, workspace, figures, violations);
    if (scale.topologyControls()) {
      for (Safeguards control : CONTROLS) {
        control(control, scale, workspace, figures, violations);
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  private static void tested(Scale scale, Workspace workspace, List<Figure> figures, List<String> violations)
      throws Exception {
    Duration bound = scale.hangTimeout();
    Safeguards safeguards = new Safeguards(DRAIN_DELAY, ROUTING.retries());
    LocalKafkaConfig kafkaConfig = new LocalKafkaConfig(workspace.directory("topology-kafka"),
        EnvoyGateway.freePort(), EnvoyGateway.freePort(), PARTITIONS);
    int envoyPort = EnvoyGateway.freePort();
    try (LocalKafka kafka = LocalKafka.start(kafkaConfig);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TOPICS.create(admin, PARTITIONS);
      String bootstrap = kafka.bootstrapServers();
      List<String> bridgeFlags = TOPICS.bridgeFlags(bootstrap, "127.0.0.1:" + envoyPort, SESSION_TIMEOUT);
      List<BridgeProcess> bridges = new ArrayList<>();
      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicInteger produced = new AtomicInteger();
      Thread producer = null;
      try {
        // The bridges join their group while the servers start; they score nothing before Envoy is up.
        for (int b = 0; b < BRIDGES; b++) {
          bridges.add(BridgeProcess.start(workspace.checkout(), bridgeFlags, workspace.log("topology-bridge-" + b)));
        }
        try (Replicas servers = Replicas.start(workspace, "topology-server", SERVERS, serverFlags(safeguards));
            EnvoyGateway envoy = EnvoyGateway.startInFront(workspace.checkout(), ROUTING, envoyPort, servers.ports(),
                workspace.dir().resolve("topology-envoy.yaml"), workspace.log("topology-envoy"));
            GatewayLoad load = GatewayLoad.start(envoy, GRPC_CALLERS, REST_CALLERS, CALL_PERIOD, bound);
            KafkaConsumer<byte[], byte[]> progress = RequestTopics.consumer(bootstrap)) {
          List<PredictRequest> customers = Customers.varied(100);
          producer = Thread.ofPlatform().name("topology-producer").start(() -> produced.set(TOPICS.produce(bootstrap,
              KAFKA_REQUESTS_PER_SECOND * PRODUCTION_CAP_SECONDS, Duration.ofSeconds(PRODUCTION_CAP_SECONDS),
              producing::get, i -> request(customers, i))));
          if (!await(() -> TOPICS.outcomes(progress) > 0, bound)) {
            violations.add("the bridges answered no request within " + bound);
          }
          Thread.sleep(STEADY.toMillis());
          List<Restart> restarts = new ArrayList<>();
          int kills = 0;
          for (int round = 0; round < scale.topologyRounds(); round++) {
            restarts.add(Restart.of(servers, round % SERVERS, envoy, safeguards, bound));
            Thread.sleep(STEADY.toMillis());
            int bridge = round % BRIDGES;
            bridges.get(bridge).kill();
            kills++;
            bridges.set(bridge, BridgeProcess.start(workspace.checkout(), bridgeFlags,
                workspace.log("topology-bridge-" + bridge)));
            Thread.sleep(STEADY.toMillis());
          }
          boolean callersDone = load.finish();
          long retried = envoy.clusterCounter("upstream_rq_retry");
          producing.set(false);
          producer.join(bound.toMillis());
          boolean settled = await(() -> TOPICS.committedEverything(admin, progress), bound);
          RequestTopics.Outcomes outcomes = TOPICS.readOutcomes(bootstrap);
          int requests = produced.get();
          long unanswered = 0;
          for (int i = 0; i < requests; i++) {
            unanswered += outcomes.answered().containsKey(id(i)) ? 0 : 1;
          }

          figures.add(Figure.of("rolling restarts (SIGTERM, started again on its port)", restarts.size()));
          figures.add(new Figure("SIGTERM to out of Envoy's rotation, longest", String.format("%,d ms",
              restarts.stream().mapToLong(r -> r.outOfRotation().toMillis()).max().orElse(0))));
          figures.add(new Figure("SIGTERM to back in rotation, longest", String.format("%,d ms",
              restarts.stream().mapToLong(r -> r.backInRotation().toMillis()).max().orElse(0))));
          figures.add(Figure.of("bridge kill -9 (started again)", kills));
          figures.add(new Figure("gRPC calls through Envoy", calls(load.grpc())));
          figures.add(new Figure("REST calls through Envoy", calls(load.rest())));
          figures.add(Figure.of("calls Envoy retried on another server", retried));
          figures.add(Figure.of("Kafka requests", requests));
          figures.add(Figure.of("Kafka requests unanswered", unanswered));
          figures.add(Figure.of("dead-letter records", outcomes.deadLetterRecords()));
          figures.add(Figure.of("duplicate answers (at least once)", outcomes.duplicates()));

          failedCalls("gRPC", load.grpc(), load.grpcFailures(), violations);
          failedCalls("REST", load.rest(), load.restFailures(), violations);
          if (!callersDone) {
            violations.add("callers were still waiting for answers " + bound + " after the load stopped");
          }
          restarts.forEach(restart -> violations.addAll(restart.problems()));
          if (requests == 0) {
            violations.add("no Kafka request was produced");
          }
          if (unanswered > 0) {
            violations.add(unanswered + " of " + requests + " Kafka requests were not answered"
                + (settled ? "" : " (the group had not committed every request " + bound + " after the load)"));
          }
          if (outcomes.deadLetterRecords() > 0) {
            violations.add(outcomes.deadLetterRecords() + " valid Kafka requests were dead-lettered, e.g. "
                + outcomes.deadLettered().keySet().stream().limit(3).toList());
          }
        }
      } finally {
        producing.set(false);
        if (producer != null) {
          producer.join(bound.toMillis());
        }
        for (BridgeProcess bridge : bridges) {
          bridge.close();
        }
      }
    }
  }

  /** One control run: the servers and Envoy with only {@code safeguards}, under gRPC and REST load, a few rolling restarts. */
  private static void control(Safeguards safeguards, Scale scale, Workspace workspace, List<Figure> figures,
      List<String> violations) throws Exception {
    ReplicaRouting routing = new ReplicaRouting(ROUTING.healthCheckInterval(), ROUTING.unhealthyThreshold(),
        safeguards.retries());
    String name = "control-" + (safeguards.drainDelay().isZero() ? "nodelay" : "delay")
        + (safeguards.retries() ? "-retries" : "-noretries");
    try (Replicas servers = Replicas.start(workspace, name + "-server", SERVERS, serverFlags(safeguards));
        EnvoyGateway envoy = EnvoyGateway.startInFront(workspace.checkout(), routing, EnvoyGateway.freePort(),
            servers.ports(), workspace.dir().resolve(name + "-envoy.yaml"), workspace.log(name + "-envoy"));
        GatewayLoad load = GatewayLoad.start(envoy, GRPC_CALLERS, REST_CALLERS, CALL_PERIOD, scale.hangTimeout())) {
      Thread.sleep(STEADY.toMillis());
      long longestOutOfRotation = 0;
      for (int restart = 0; restart < CONTROL_RESTARTS; restart++) {
        longestOutOfRotation = Math.max(longestOutOfRotation,
            Restart.of(servers, restart % SERVERS, envoy, safeguards, scale.hangTimeout()).outOfRotation().toMillis());
        Thread.sleep(STEADY.toMillis());
      }
      load.finish();
      figures.add(new Figure("control, " + safeguards.label() + ", " + CONTROL_RESTARTS + " rolling restarts",
          String.format("failed gRPC %,d of %,d, failed REST %,d of %,d; %,d retried; out of rotation at most %,d ms"
              + " after SIGTERM", load.grpcFailures(), load.grpc().total(), load.restFailures(), load.rest().total(),
              envoy.clusterCounter("upstream_rq_retry"), longestOutOfRotation)));
      if (safeguards.drainDelay().isZero() && !safeguards.retries()
          && load.grpcFailures() + load.restFailures() == 0) {
        violations.add("the control run with " + safeguards.label() + " failed no call: the scenario cannot tell"
            + " a topology that fails calls from one that does not");
      }
    }
  }

  private static List<String> serverFlags(Safeguards safeguards) {
    return List.of("--drain-delay-seconds=" + safeguards.drainDelay().toSeconds(),
        "--drain-timeout-seconds=" + DRAIN_TIMEOUT.toSeconds(), "--max-in-flight=" + CAPACITY);
  }

  /** {@code total: OUTCOME=count, ...}. */
  private static String calls(Tally calls) {
    return String.format("%,d: %s", calls.total(), calls.line());
  }

  /** Polls {@code condition} every 20 ms until it holds (true) or {@code bound} has passed (false). */
  static boolean await(Condition condition, Duration bound) throws Exception {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** What {@link #await} polls; may fail like the admin calls it makes. */
  interface Condition {
    boolean holds() throws Exception;
  }

  private static void failedCalls(String kind, Tally calls, long failed, List<String> violations) {
    if (failed > 0) {
      violations.add(failed + " " + kind + " calls failed through Envoy: " + calls.line() + ", e.g. "
          + calls.snapshot().keySet().stream().filter(k -> !k.equals("OK") && !k.equals("HTTP 200"))
              .flatMap(k -> calls.examples(k).stream()).limit(3).toList());
    }
    if (calls.total() == 0) {
      violations.add("no " + kind + " call was made");
    }
  }

  private static String id(int i) {
    return "topology-" + i;
  }

  private static PredictRequest request(List<PredictRequest> customers, int i) {
    return customers.get(i % customers.size()).toBuilder().setRequestId(id(i)).build();
  }

  /**
   * One rolling restart of a server as Envoy saw it: how long after SIGTERM it was out of
   * rotation, and back in (started again on its port, {@code SERVING}); what went wrong.
   */
  record Restart(Duration outOfRotation, Duration backInRotation, List<String> problems) {

    /**
     * SIGTERM to {@code replica}, its exit, a start on the same port, and its first call answered
     * through Envoy; each step bounded by {@code bound}.
     */
    static Restart of(Replicas servers, int replica, EnvoyGateway envoy, Safeguards safeguards, Duration bound)
        throws Exception {
      List<String> problems = new ArrayList<>();
      int port = servers.ports().get(replica);
      long signalled = System.nanoTime();
      servers.sigterm(replica);
      if (!await(() -> !envoy.routesTo(port), bound)) {
        problems.add("Envoy still routed to server " + replica + " " + bound + " after its SIGTERM");
      }
      Duration outOfRotation = Duration.ofNanos(System.nanoTime() - signalled);
      OptionalInt exit = servers.awaitExit(replica, safeguards.drainDelay().plus(DRAIN_TIMEOUT).plus(bound));
      if (exit.isEmpty() || exit.getAsInt() != 0) {
        problems.add("server " + replica + " " + (exit.isEmpty() ? "did not exit after SIGTERM and was killed"
            : "exited with " + exit.getAsInt() + " after SIGTERM"));
      }
      servers.startAgain(replica);
      if (!await(() -> envoy.routesTo(port), bound)) {
        problems.add("Envoy did not route to server " + replica + " again within " + bound + " of its restart");
      }
      Duration backInRotation = Duration.ofNanos(System.nanoTime() - signalled);
      long answered = envoy.successesOf(port);
      if (!await(() -> envoy.successesOf(port) > answered, bound)) {
        problems.add("server " + replica + " answered no call through Envoy within " + bound + " of its restart");
      }
      return new Restart(outOfRotation, backInRotation, problems);
    }
  }
}
