package io.churnwire.kafka.local;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Settings of the local broker: where it keeps its data and which loopback ports it listens on.
 * Kept apart from {@link LocalKafka} so the generated {@code server.properties} can be checked
 * without starting a broker.
 *
 * @param dataDir directory holding {@code server.properties} and the broker's log directory
 * @param port client (PLAINTEXT) port on 127.0.0.1
 * @param controllerPort KRaft controller port on 127.0.0.1
 * @param partitions default partition count of auto-created topics
 */
public record LocalKafkaConfig(Path dataDir, int port, int controllerPort, int partitions) {

  /** The only address the broker binds: it is meant for this machine, never for a network. */
  public static final String HOST = "127.0.0.1";

  /** Validates every setting and names the bad value. */
  public LocalKafkaConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir must be set");
    }
    checkPort("port", port);
    checkPort("controllerPort", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
  }

  /** Defaults: ports 9092 and 9093, three partitions per auto-created topic. */
  public LocalKafkaConfig(Path dataDir) {
    this(dataDir, 9092, 9093, 3);
  }

  private static void checkPort(String name, int value) {
    if (value < 1 || value > 65_535) {
      throw new IllegalArgumentException(name + " must be in 1..65535, got " + value);
    }
  }

  /** The broker's log directory, inside {@link #dataDir()}. */
  public Path logDir() {
    return dataDir.resolve("kraft-logs");
  }

  /** The client bootstrap address, e.g. {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * A combined broker and controller with a dynamic single-voter quorum; every internal topic has
   * replication factor 1 because there is only one node.
   */
  public Properties serverProperties() {
    var props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", "1");
    props.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    props.setProperty("listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("inter.broker.listener.name", "PLAINTEXT");
    props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    props.setProperty("log.dirs", logDir().toAbsolutePath().toString());
    props.setProperty("num.partitions", Integer.toString(partitions));
    props.setProperty("offsets.topic.replication.factor", "1");
    props.setProperty("transaction.state.log.replication.factor", "1");
    props.setProperty("transaction.state.log.min.isr", "1");
    props.setProperty("share.coordinator.state.topic.replication.factor", "1");
    props.setProperty("share.coordinator.state.topic.min.isr", "1");
    props.setProperty("group.initial.rebalance.delay.ms", "0");
    return props;
  }
}
