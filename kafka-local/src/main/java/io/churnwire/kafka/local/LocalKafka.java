package io.churnwire.kafka.local;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Formats (once) and runs a single-node KRaft Apache Kafka broker from the {@code kafka_2.13}
 * jars on Maven Central, so a full local stack needs no download outside the build.
 *
 * <p>Usage: {@code LocalKafka [--data-dir DIR] [--port 9092] [--controller-port 9093]
 * [--partitions 3]}. The broker runs until SIGTERM or Ctrl-C and then shuts down cleanly.
 */
public final class LocalKafka implements AutoCloseable {

  private final LocalKafkaConfig config;
  private final KafkaRaftServer server;

  private LocalKafka(LocalKafkaConfig config, KafkaRaftServer server) {
    this.config = config;
    this.server = server;
  }

  /**
   * Writes {@code server.properties}, formats the log directory if it has never been formatted,
   * and starts the broker; returns once it accepts clients.
   */
  public static LocalKafka start(LocalKafkaConfig config) throws IOException {
    Files.createDirectories(config.dataDir());
    Path propertiesFile = config.dataDir().resolve("server.properties");
    try (var out = Files.newOutputStream(propertiesFile)) {
      config.serverProperties().store(out, "Written by Churnwire LocalKafka; rewritten on each start");
    }
    if (!Files.exists(config.logDir().resolve("meta.properties"))) {
      format(propertiesFile);
    }
    var server = new KafkaRaftServer(KafkaConfig.fromProps(config.serverProperties(), false), Time.SYSTEM);
    server.startup();
    return new LocalKafka(config, server);
  }

  private static void format(Path propertiesFile) throws IOException {
    var captured = new ByteArrayOutputStream();
    int exit;
    String clusterId = Uuid.randomUuid().toString();
    try (var out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      exit = StorageTool.execute(new String[] {
          "format", "--cluster-id", clusterId, "--config", propertiesFile.toString(), "--standalone"}, out);
    }
    if (exit != 0) {
      throw new IOException("formatting the log directory failed (exit " + exit + "): "
          + captured.toString(StandardCharsets.UTF_8).strip());
    }
    System.out.println("Formatted a new single-node cluster " + clusterId + " in " + propertiesFile.getParent());
  }

  /** The address clients bootstrap from. */
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** Stops the broker and waits until it has shut down. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  /** Parses the flags, starts the broker and blocks until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    LocalKafkaConfig config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: LocalKafka [--data-dir DIR] [--port 9092] [--controller-port 9093] [--partitions 3]");
      System.exit(2);
      return;
    }
    var stopped = new CountDownLatch(1);
    var broker = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "local-kafka-shutdown"));
    System.out.println("Kafka ready on " + broker.bootstrapServers() + " (data in "
        + config.dataDir().toAbsolutePath() + "); stop with SIGTERM or Ctrl-C");
    stopped.await();
  }

  static LocalKafkaConfig parse(String[] args) {
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "churnwire-kafka");
    int port = 9092;
    int controllerPort = 9093;
    int partitions = 3;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("-h") || flag.equals("--help")) {
        throw new IllegalArgumentException("Runs a single-node KRaft Kafka broker on " + LocalKafkaConfig.HOST);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--port" -> port = parseInt(flag, value);
        case "--controller-port" -> controllerPort = parseInt(flag, value);
        case "--partitions" -> partitions = parseInt(flag, value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    return new LocalKafkaConfig(dataDir, port, controllerPort, partitions);
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'", e);
    }
  }
}
