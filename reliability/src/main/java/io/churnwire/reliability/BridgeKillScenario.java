package io.churnwire.reliability;

import io.churnwire.kafka.local.LocalKafka;
import io.churnwire.kafka.local.LocalKafkaConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.Contract;
import io.churnwire.v1.PredictRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Scenario 3: the bridge process is killed with SIGKILL again and again while requests keep
 * arriving, and restarted each time. Expected: every request answered or dead-lettered (only the
 * invalid ones dead-lettered); the duplicates at-least-once allows are counted.
 */
final class BridgeKillScenario implements Scenario {
  /** Every this many requests one is invalid (no contract), and must be dead-lettered. */
  static final int INVALID_EVERY = 500;
  private static final int PARTITIONS = 3;
  /** The broker's smallest allowed session timeout; a killed instance's partitions move after it. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  private static final RequestTopics TOPICS =
      new RequestTopics("reliability.requests", "reliability.predictions", "reliability.dlq", "reliability");

  @Override
  public int number() {
    return 3;
  }

  @Override
  public String name() {
    return "bridge kill -9";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    LocalKafkaConfig kafkaConfig = new LocalKafkaConfig(workspace.directory("kafka"),
        EnvoyGateway.freePort(), EnvoyGateway.freePort(), PARTITIONS);
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), workspace.demoRegistry(),
        workspace.log("bridge-server"), List.of());
        LocalKafka kafka = LocalKafka.start(kafkaConfig);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TOPICS.create(admin, PARTITIONS);
      List<String> flags = TOPICS.bridgeFlags(kafka.bootstrapServers(), "127.0.0.1:" + server.port(), SESSION_TIMEOUT);
      int records = scale.bridgeRecords();
      int kills = scale.bridgeKills();
      Duration production = Duration.ofSeconds(2L * (kills + 1));
      AtomicBoolean producing = new AtomicBoolean(true);
      List<PredictRequest> customers = Customers.varied(100);
      Thread producer = Thread.ofPlatform().name("reliability-producer")
          .start(() -> TOPICS.produce(kafka.bootstrapServers(), records, production, producing::get,
              i -> request(customers, i)));
      int killed = 0;
      long deadline = System.nanoTime() + scale.hangTimeout().toNanos();
      BridgeProcess bridge = BridgeProcess.start(workspace.checkout(), flags, workspace.log("bridge"));
      try (KafkaConsumer<byte[], byte[]> progress = RequestTopics.consumer(kafka.bootstrapServers())) {
        while (killed < kills && System.nanoTime() < deadline) {
          long target = (long) records * (killed + 1) / (kills + 1);
          if (TOPICS.outcomes(progress) >= target) {
            bridge.kill();
            killed++;
            bridge = BridgeProcess.start(workspace.checkout(), flags, workspace.log("bridge"));
          } else {
            Thread.sleep(20);
          }
        }
        producer.join(scale.hangTimeout().toMillis());
        while (!TOPICS.committedEverything(admin, progress) && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
      } finally {
        producing.set(false);
        bridge.close();
      }

      RequestTopics.Outcomes outcomes = TOPICS.readOutcomes(kafka.bootstrapServers());
      long missing = 0;
      long validDeadLettered = 0;
      long invalidAnswered = 0;
      for (int i = 0; i < records; i++) {
        String id = id(i);
        missing += outcomes.settled(id) ? 0 : 1;
        if (invalid(i)) {
          invalidAnswered += outcomes.answered().containsKey(id) ? 1 : 0;
        } else {
          validDeadLettered += outcomes.deadLettered().containsKey(id) ? 1 : 0;
        }
      }

      figures.add(Figure.of("requests", records));
      figures.add(Figure.of("kill -9 of the bridge", killed));
      figures.add(Figure.of("answer records", outcomes.answerRecords()));
      figures.add(Figure.of("dead-letter records", outcomes.deadLetterRecords()));
      figures.add(Figure.of("requests neither answered nor dead-lettered", missing));
      figures.add(Figure.of("duplicates (answered again after a kill)", outcomes.duplicates()));
      if (killed < kills) {
        violations.add("only " + killed + " of " + kills + " kills happened within " + scale.hangTimeout());
      }
      if (missing > 0) {
        violations.add(missing + " requests were neither answered nor dead-lettered");
      }
      if (validDeadLettered > 0) {
        violations.add(validDeadLettered + " valid requests were dead-lettered");
      }
      if (invalidAnswered > 0) {
        violations.add(invalidAnswered + " invalid requests were answered instead of dead-lettered");
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  private static String id(int i) {
    return "kill-" + i;
  }

  private static boolean invalid(int i) {
    return i % INVALID_EVERY == INVALID_EVERY - 1;
  }

  /** Request {@code i}: a varied customer under its id, every {@value #INVALID_EVERY}th without a contract. */
  private static PredictRequest request(List<PredictRequest> customers, int i) {
    PredictRequest request = customers.get(i % customers.size()).toBuilder().setRequestId(id(i)).build();
    return invalid(i) ? request.toBuilder().setContract(Contract.CONTRACT_UNSPECIFIED).build() : request;
  }
}
