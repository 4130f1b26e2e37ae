package io.churnwire.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Formats (once) and runs a single-node KRaft Apache Kafka broker from the {@code kafka_2.13}
 * jars on Maven Central, so a full local stack needs no download outside the build.
 *
 * <p>Usage: {@code LocalKafka [--data-dir DIR] [--port 9092] [--controller-port 9093]
 * [--partitions 3]}, optionally {@code --ssl-port N --ssl-cert-file F --ssl-key-file F
 * [--ssl-client-ca-file F]} (an SSL listener, mTLS with the CA file) and {@code --sasl-port N
 * --sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512 --sasl-users-file F} (a SASL_PLAINTEXT
 * listener; the file holds {@code user=password} lines, so no password is on the command line).
 * The broker runs until SIGTERM or Ctrl-C and then shuts down cleanly.
 */
public final class LocalKafka implements AutoCloseable {

  private static final String USAGE = "usage: LocalKafka [--data-dir DIR] [--port 9092] [--controller-port 9093]"
      + " [--partitions 3] [--ssl-port N --ssl-cert-file PEM --ssl-key-file PEM [--ssl-client-ca-file PEM]]"
      + " [--sasl-port N --sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512 --sasl-users-file FILE]";

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
    Properties serverProperties = config.serverProperties();
    Files.deleteIfExists(propertiesFile);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      // It may hold the broker's private key and the PLAIN passwords.
      Files.createFile(propertiesFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (var out = Files.newOutputStream(propertiesFile)) {
      serverProperties.store(out, "Written by Churnwire LocalKafka; rewritten on each start");
    }
    if (!Files.exists(config.logDir().resolve("meta.properties"))) {
      format(propertiesFile);
    }
    var server = new KafkaRaftServer(KafkaConfig.fromProps(serverProperties, false), Time.SYSTEM);
    server.startup();
    var broker = new LocalKafka(config, server);
    try {
      config.sasl().ifPresent(broker::writeScramUsers);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** Upserts the SCRAM users through the PLAINTEXT listener; PLAIN users live in the JAAS config. */
  private void writeScramUsers(LocalKafkaSasl sasl) {
    ScramMechanism mechanism = switch (sasl.mechanism()) {
      case PLAIN -> null;
      case SCRAM_SHA_256 -> ScramMechanism.SCRAM_SHA_256;
      case SCRAM_SHA_512 -> ScramMechanism.SCRAM_SHA_512;
    };
    if (mechanism == null) {
      return;
    }
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      List<UserScramCredentialAlteration> upserts = sasl.users().entrySet().stream()
          .<UserScramCredentialAlteration>map(user -> new UserScramCredentialUpsertion(user.getKey(),
              new ScramCredentialInfo(mechanism, 8192), user.getValue()))
          .toList();
      admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write the SCRAM users " + sasl.users().keySet() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the SCRAM users", e);
    }
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

  /** The address clients bootstrap from over PLAINTEXT. */
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** The address of the SSL listener, if there is one. */
  public Optional<String> sslBootstrapServers() {
    return config.sslBootstrapServers();
  }

  /** The address of the SASL_PLAINTEXT listener, if there is one. */
  public Optional<String> saslBootstrapServers() {
    return config.saslBootstrapServers();
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
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    var stopped = new CountDownLatch(1);
    var broker = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "local-kafka-shutdown"));
    System.out.println("Kafka ready on " + broker.bootstrapServers()
        + broker.sslBootstrapServers().map(address -> ", SSL on " + address).orElse("")
        + broker.saslBootstrapServers().map(address -> ", SASL_PLAINTEXT ("
            + config.sasl().orElseThrow().mechanism().kafkaName() + ") on " + address).orElse("")
        + " (data in "
        + config.dataDir().toAbsolutePath() + "); stop with SIGTERM or Ctrl-C");
    stopped.await();
  }

  static LocalKafkaConfig parse(String[] args) {
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "churnwire-kafka");
    int port = 9092;
    int controllerPort = 9093;
    int partitions = 3;
    Map<String, String> flags = new HashMap<>();
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
        case "--ssl-port", "--ssl-cert-file", "--ssl-key-file", "--ssl-client-ca-file", "--sasl-port",
            "--sasl-mechanism", "--sasl-users-file" -> flags.put(flag, value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    var config = new LocalKafkaConfig(dataDir, port, controllerPort, partitions);
    if (flags.keySet().stream().anyMatch(flag -> flag.startsWith("--ssl-"))) {
      config = config.withSsl(new LocalKafkaSsl(parseInt("--ssl-port", required(flags, "--ssl-port")),
          Path.of(required(flags, "--ssl-cert-file")), Path.of(required(flags, "--ssl-key-file")),
          Optional.ofNullable(flags.get("--ssl-client-ca-file")).map(Path::of)));
    }
    if (flags.keySet().stream().anyMatch(flag -> flag.startsWith("--sasl-"))) {
      config = config.withSasl(new LocalKafkaSasl(parseInt("--sasl-port", required(flags, "--sasl-port")),
          LocalKafkaSasl.Mechanism.of(required(flags, "--sasl-mechanism")),
          users(Path.of(required(flags, "--sasl-users-file")))));
    }
    return config;
  }

  private static String required(Map<String, String> flags, String flag) {
    String value = flags.get(flag);
    if (value == null) {
      throw new IllegalArgumentException(flag + " is required with the other "
          + (flag.startsWith("--ssl-") ? "--ssl-*" : "--sasl-*") + " flags");
    }
    return value;
  }

  private static Map<String, String> users(Path file) {
    var users = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      users.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --sasl-users-file " + file + " (" + e.getClass().getSimpleName()
          + ")", e);
    }
    Map<String, String> byName = new HashMap<>();
    users.stringPropertyNames().forEach(user -> byName.put(user, users.getProperty(user)));
    return byName;
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'", e);
    }
  }
}
