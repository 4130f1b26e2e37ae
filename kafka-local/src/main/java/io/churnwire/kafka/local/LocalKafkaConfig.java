package io.churnwire.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Settings of the local broker: where it keeps its data and which loopback ports it listens on.
 * Kept apart from {@link LocalKafka} so the generated {@code server.properties} can be checked
 * without starting a broker.
 *
 * @param dataDir directory holding {@code server.properties} and the broker's log directory
 * @param port client (PLAINTEXT) port on 127.0.0.1
 * @param controllerPort KRaft controller port on 127.0.0.1
 * @param partitions default partition count of auto-created topics
 * @param ssl an SSL listener besides the PLAINTEXT one, if any
 * @param sasl a SASL_PLAINTEXT listener besides the PLAINTEXT one, if any
 */
public record LocalKafkaConfig(Path dataDir, int port, int controllerPort, int partitions,
    Optional<LocalKafkaSsl> ssl, Optional<LocalKafkaSasl> sasl) {

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
    if (ssl == null || sasl == null) {
      throw new IllegalArgumentException("ssl and sasl must be given, possibly empty");
    }
    var ports = new ArrayList<>(List.of(port, controllerPort));
    ssl.ifPresent(listener -> ports.add(listener.port()));
    sasl.ifPresent(listener -> ports.add(listener.port()));
    if (Set.copyOf(ports).size() != ports.size()) {
      throw new IllegalArgumentException("every listener needs its own port, got " + ports);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
  }

  /** A PLAINTEXT broker only. */
  public LocalKafkaConfig(Path dataDir, int port, int controllerPort, int partitions) {
    this(dataDir, port, controllerPort, partitions, Optional.empty(), Optional.empty());
  }

  /** Defaults: ports 9092 and 9093, three partitions per auto-created topic. */
  public LocalKafkaConfig(Path dataDir) {
    this(dataDir, 9092, 9093, 3);
  }

  /** The same broker with an SSL listener as well. */
  public LocalKafkaConfig withSsl(LocalKafkaSsl listener) {
    return new LocalKafkaConfig(dataDir, port, controllerPort, partitions, Optional.of(listener), sasl);
  }

  /** The same broker with a SASL_PLAINTEXT listener as well. */
  public LocalKafkaConfig withSasl(LocalKafkaSasl listener) {
    return new LocalKafkaConfig(dataDir, port, controllerPort, partitions, ssl, Optional.of(listener));
  }

  static void checkPort(String name, int value) {
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

  /** The bootstrap address of the SSL listener. */
  public Optional<String> sslBootstrapServers() {
    return ssl.map(listener -> HOST + ":" + listener.port());
  }

  /** The bootstrap address of the SASL_PLAINTEXT listener. */
  public Optional<String> saslBootstrapServers() {
    return sasl.map(listener -> HOST + ":" + listener.port());
  }

  /**
   * A combined broker and controller with a dynamic single-voter quorum; every internal topic has
   * replication factor 1 because there is only one node. The broker talks to itself over PLAINTEXT
   * on loopback; the SSL and SASL listeners are for clients. The PEM certificates and keys are
   * written inline ({@code ssl.keystore.certificate.chain}, {@code ssl.keystore.key}).
   *
   * @throws UncheckedIOException if a PEM file cannot be read
   */
  public Properties serverProperties() {
    var props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", "1");
    props.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    var listeners = new ArrayList<>(List.of("PLAINTEXT://" + HOST + ":" + port));
    var protocols = new ArrayList<>(List.of("CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT"));
    ssl.ifPresent(listener -> {
      listeners.add("SSL://" + HOST + ":" + listener.port());
      protocols.add("SSL:SSL");
      props.setProperty("listener.name.ssl.ssl.keystore.type", "PEM");
      props.setProperty("listener.name.ssl.ssl.keystore.certificate.chain", pem(listener.certificateChain()));
      props.setProperty("listener.name.ssl.ssl.keystore.key", pem(listener.key()));
      listener.clientCa().ifPresent(ca -> {
        props.setProperty("listener.name.ssl.ssl.truststore.type", "PEM");
        props.setProperty("listener.name.ssl.ssl.truststore.certificates", pem(ca));
        props.setProperty("listener.name.ssl.ssl.client.auth", "required");
      });
    });
    sasl.ifPresent(listener -> {
      listeners.add("SASL_PLAINTEXT://" + HOST + ":" + listener.port());
      protocols.add("SASL_PLAINTEXT:SASL_PLAINTEXT");
      String mechanism = listener.mechanism().kafkaName();
      props.setProperty("sasl.enabled.mechanisms", mechanism);
      props.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", mechanism);
      props.setProperty("listener.name.sasl_plaintext." + listener.mechanism().keyName() + ".sasl.jaas.config",
          listener.jaasConfig());
    });
    props.setProperty("listeners", String.join(",", listeners) + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.setProperty("advertised.listeners", String.join(",", listeners));
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("inter.broker.listener.name", "PLAINTEXT");
    props.setProperty("listener.security.protocol.map", String.join(",", protocols));
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

  private static String pem(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read PEM file " + file, e);
    }
  }
}
