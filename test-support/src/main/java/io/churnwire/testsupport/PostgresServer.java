package io.churnwire.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for a test: Debian's {@code postgresql} package, initialised in a
 * temporary directory, listening on a free loopback port, with a database of its own. PostgreSQL
 * refuses to run as root, so when the JVM is root the server runs as the {@code postgres} user the
 * package creates. Missing binaries fail the test with a message saying how to install them.
 * {@link #stop()} and {@link #restart()} take it down and bring it back on the same port and data;
 * {@link #close()} stops it and deletes everything.
 */
public final class PostgresServer implements AutoCloseable {
  /** Where Debian puts the server's programs. */
  public static final Path DEFAULT_BINARIES = Path.of("/usr/lib/postgresql/15/bin");

  private static final String USER = "churnwire";
  private static final String DATABASE = "churnwire_test";

  private final Path binaries;
  private final Path directory;
  private final int port;
  private final boolean asRoot;
  private boolean running;

  private PostgresServer(Path binaries, Path directory, int port, boolean asRoot) {
    this.binaries = binaries;
    this.directory = directory;
    this.port = port;
    this.asRoot = asRoot;
  }

  /**
   * Initialises and starts a server with database {@value #DATABASE} owned by user {@value #USER}
   * (trust authentication on loopback, so no password). The binaries are those of
   * {@code $CHURNWIRE_POSTGRES_BIN} when set, else {@link #DEFAULT_BINARIES}.
   *
   * @throws IllegalStateException when the binaries are missing or the server does not start
   */
  public static PostgresServer start() throws IOException, InterruptedException {
    String override = System.getenv("CHURNWIRE_POSTGRES_BIN");
    return start(override == null || override.isBlank() ? DEFAULT_BINARIES : Path.of(override));
  }

  /**
   * As {@link #start()}, with the server programs in {@code binaries}.
   *
   * @throws IllegalStateException when they are missing or the server does not start
   */
  public static PostgresServer start(Path binaries) throws IOException, InterruptedException {
    if (!Files.isExecutable(binaries.resolve("initdb")) || !Files.isExecutable(binaries.resolve("pg_ctl"))) {
      throw new IllegalStateException("PostgreSQL server programs (initdb, pg_ctl) are not in " + binaries
          + "; install Debian's postgresql package (scripts/install-tools.sh does) or set"
          + " $CHURNWIRE_POSTGRES_BIN to their directory");
    }
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path directory = Files.createTempDirectory("churnwire-postgres");
    PostgresServer server = new PostgresServer(binaries, directory, freePort(), asRoot);
    try {
      if (asRoot) {
        run(List.of("chown", "postgres", directory.toString()), directory.resolve("chown.log"));
      }
      server.runAsServerUser(List.of(binaries.resolve("initdb").toString(), "-D", server.data().toString(), "-A",
          "trust", "-U", USER, "-E", "UTF8", "--locale=C.UTF-8"), "initdb.log");
      server.start0();
      server.runAsServerUser(List.of(binaries.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
          Integer.toString(server.port), "-U", USER, DATABASE), "createdb.log");
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/churnwire_test}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** Creates another empty database, for a test that needs one of its own; returns its JDBC URL. */
  public String createDatabase(String name) throws IOException, InterruptedException {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("database name must be lower-case letters, digits and '_': " + name);
    }
    runAsServerUser(List.of(binaries.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(port), "-U", USER, name), "createdb.log");
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** The user the databases belong to. */
  public String user() {
    return USER;
  }

  /** The port it listens on, the same across {@link #stop()} and {@link #restart()}. */
  public int port() {
    return port;
  }

  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  public synchronized void stop() throws IOException, InterruptedException {
    if (running) {
      runAsServerUser(List.of(binaries.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast",
          "-w", "stop"), "stop.log");
      running = false;
    }
  }

  /** Starts the stopped server again on the same port with the same data. */
  public synchronized void restart() throws IOException, InterruptedException {
    if (!running) {
      start0();
    }
  }

  /** The temporary directory holding the data, the socket and the logs. */
  public Path directory() {
    return directory;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() throws IOException, InterruptedException {
    try {
      stop();
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void start0() throws IOException, InterruptedException {
    runAsServerUser(List.of(binaries.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
        directory.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), "start.log");
    running = true;
  }

  private Path data() {
    return directory.resolve("data");
  }

  private void runAsServerUser(List<String> command, String log) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full, directory.resolve(log));
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 90 s");
    }
    if (process.exitValue() != 0) {
      String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Path serverLog = log.resolveSibling("server.log");
      if (Files.exists(serverLog)) {
        output += "\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
      }
      throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
          + output.strip());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
