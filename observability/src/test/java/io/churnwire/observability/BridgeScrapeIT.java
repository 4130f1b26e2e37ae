package io.churnwire.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.kafka.local.LocalKafka;
import io.churnwire.kafka.local.LocalKafkaConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.v1.PredictRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scraping the packaged bridge (a process, metrics on a free loopback port) and
 * a real server while the bridge answers requests from a real Kafka broker and dead-letters one it
 * cannot decode: the bridge's recording rules, alerts and dashboard panels read what it exports.
 */
class BridgeScrapeIT {
  private static final String REQUESTS = "churn.requests";
  private static final String ANSWERS = "churn.predictions";
  private static final String DEAD_LETTERS = "churn.requests.dlq";
  private static final int PARTITIONS = 3;
  private static final int VALID = 30;
  /** A length-delimited field 1 whose length runs past the end: no PredictRequest. */
  private static final byte[] UNDECODABLE = {0x0a, 0x7f, 0x01};
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  /** Bridge counters born of an event this run never causes. */
  private static final Set<String> EVENT_COUNTERS =
      Set.of("churnwire_bridge_retries_total", "churnwire_bridge_answers_truncated_total");

  @TempDir
  static Path workDir;
  private static LocalKafka kafka;
  private static ServerApplication server;
  private static BridgeProcess bridge;
  private static PrometheusProcess prometheus;

  @BeforeAll
  static void scrapeABridgeAtWork() throws Exception {
    int[] kafkaPorts = freePorts(2);
    kafka = LocalKafka.start(new LocalKafkaConfig(workDir.resolve("kafka"), kafkaPorts[0], kafkaPorts[1], PARTITIONS));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(REQUESTS, PARTITIONS, (short) 1),
          new NewTopic(ANSWERS, PARTITIONS, (short) 1), new NewTopic(DEAD_LETTERS, 1, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
    }
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withModelDir(DemoRegistry.shared());
    server = ServerApplication.start(config.withTelemetry(config.telemetry().withMetricsHost("127.0.0.1")));
    int bridgeMetricsPort = freePorts(1)[0];
    bridge = BridgeProcess.start(List.of("--bootstrap-servers", kafka.bootstrapServers(),
        "--server-target", "127.0.0.1:" + server.port(), "--group-id", "observability-it",
        "--request-topic", REQUESTS, "--response-topic", ANSWERS, "--dlq-topic", DEAD_LETTERS,
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(bridgeMetricsPort)),
        workDir.resolve("bridge.log"));
    prometheus = PrometheusProcess.start(workDir, Duration.ofSeconds(1),
        List.of(Tools.prometheusDir().resolve("churnwire-rules.yml")),
        List.of(new PrometheusProcess.Job("churnwire-server", "127.0.0.1:" + server.metricsPort()),
            new PrometheusProcess.Job("churnwire-bridge", "127.0.0.1:" + bridgeMetricsPort)));
    assertEquals(1, prometheus.awaitValue("up{job=\"churnwire-bridge\"}", up -> up == 1, PATIENCE),
        () -> "prometheus never scraped the bridge; its log:\n" + bridgeLog());

    try (var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      List<PredictRequest> customers = Customers.varied(VALID);
      for (PredictRequest customer : customers) {
        producer.send(new ProducerRecord<>(REQUESTS, customer.getCustomerId().getBytes(StandardCharsets.UTF_8),
            customer.toByteArray()));
      }
      producer.send(new ProducerRecord<>(REQUESTS, "poison".getBytes(StandardCharsets.UTF_8), UNDECODABLE));
      producer.flush();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (bridge != null) {
      bridge.close();
    }
    if (server != null) {
      server.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void answeredTotal_countsEveryAnsweredRequest() throws Exception {
    assertEquals(VALID, prometheus.awaitValue("sum(churnwire_bridge_answered_total{status=\"OK\"})",
        answered -> answered >= VALID, PATIENCE), BridgeScrapeIT::bridgeLog);
  }

  @Test
  void deadLetteredTotal_countsTheUndecodableRecord_byReason() throws Exception {
    assertEquals(1, prometheus.awaitValue("sum(churnwire_bridge_dead_lettered_total{reason=\"UNDECODABLE\"})",
        n -> n >= 1, PATIENCE), BridgeScrapeIT::bridgeLog);
  }

  @Test
  void consumerLag_isSampledPerPartition_andDrainsToZero() throws Exception {
    assertEquals(VALID, prometheus.awaitValue("sum(churnwire_bridge_answered_total{status=\"OK\"})",
        answered -> answered >= VALID, PATIENCE));
    assertEquals(0, prometheus.awaitValue("sum(churnwire_bridge_consumer_lag{topic=\"" + REQUESTS + "\"})",
        lag -> lag == 0, PATIENCE));
    assertEquals(PARTITIONS, prometheus.value("count(churnwire_bridge_consumer_lag{topic=\"" + REQUESTS + "\"})"));
    assertEquals(0, prometheus.awaitValue("topic:churnwire_bridge_consumer_lag:sum{topic=\"" + REQUESTS + "\"}",
        lag -> lag == 0, PATIENCE));
  }

  @Test
  void aWorkingBridge_isNotHalted() throws Exception {
    assertEquals(0, prometheus.awaitValue("max(churnwire_bridge_halted)", halted -> !Double.isNaN(halted), PATIENCE));
  }

  @Test
  void deadLetterRecordingRule_producesASeries() throws Exception {
    double rate = prometheus.awaitValue("reason:churnwire_bridge_dead_lettered:rate5m{reason=\"UNDECODABLE\"}",
        value -> !Double.isNaN(value), PATIENCE);

    assertTrue(rate >= 0, "rate " + rate);
  }

  @Test
  void dashboardMetrics_ofTheBridge_exist() throws Exception {
    prometheus.awaitValue("sum(churnwire_bridge_answered_total)", answered -> answered >= VALID, PATIENCE);
    Set<String> known = new TreeSet<>(prometheus.metricNames());
    for (RuleFiles.Rule rule : RuleFiles.rules()) {
      known.add(rule.name());
    }
    Set<String> unknown = new TreeSet<>();
    for (Dashboard dashboard : Dashboard.shipped()) {
      for (Dashboard.Query query : dashboard.queries()) {
        for (String name : query.metricNames()) {
          if (name.contains("churnwire_bridge_") && !known.contains(name) && !EVENT_COUNTERS.contains(name)) {
            unknown.add(name + " (panel \"" + query.panel() + "\")");
          }
        }
      }
    }

    assertEquals(Set.of(), unknown);
  }

  private static String bridgeLog() {
    try {
      return (bridge.alive() ? "" : "(exited) ") + bridge.log();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** {@code count} different free loopback ports, each held until all are found. */
  private static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }
}
