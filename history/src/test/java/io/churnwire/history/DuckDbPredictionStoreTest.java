package io.churnwire.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a DuckDB file, and what only the embedded store does. */
class DuckDbPredictionStoreTest extends PredictionStoreContract {
  @TempDir Path directory;
  private int files;

  @Override
  HistoryConfig freshConfig() {
    return HistoryConfig.defaults().withUrl("jdbc:duckdb:" + directory.resolve("nested/dir/h" + files++ + ".duckdb"));
  }

  @Test
  void open_createsTheFileAndItsDirectories_andDescribesItsPath() {
    Path file = directory.resolve("nested/dir/h0.duckdb");

    assertTrue(Files.exists(file));
    assertEquals("duckdb:" + file.toAbsolutePath(), store.describe());
  }

  @Test
  void open_fileHeldByAnotherProcess_failsAtOnceNamingTheFileAndWhy() throws Exception {
    Path file = directory.resolve("held.duckdb");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        HoldFile.class.getName(), file.toString()).redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(),
        StandardCharsets.UTF_8))) {
      assertEquals("holding", output.readLine());

      HistoryException failure = assertThrows(HistoryException.class,
          () -> PredictionStores.open(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + file)));

      assertTrue(failure.getMessage().startsWith("duckdb:" + file.toAbsolutePath() + " is in use by another process"),
          failure.getMessage());
    } finally {
      holder.getOutputStream().close();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void open_setsMemoryAndThreadLimits_unlessTheUrlSetsThem() throws Exception {
    Path file = directory.resolve("limits.duckdb");
    store.close();

    store = PredictionStores.open(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + file + ";memory_limit=256MB"));
    assertEquals(List.of("244.1 MiB", Integer.toString(DuckDbDatabase.threads())), limits());
    store.close();
    store = PredictionStores.open(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + file));

    assertEquals(List.of("953.6 MiB", Integer.toString(DuckDbDatabase.threads())), limits());
  }

  private List<String> limits() throws Exception {
    try (Connection connection = ((JdbcPredictionStore) store).database().reader();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_setting('memory_limit'), current_setting('threads')")) {
      row.next();
      return List.of(row.getString(1), row.getString(2));
    }
  }

  /** Opens a DuckDB file and holds it until its standard input closes. */
  public static final class HoldFile {
    public static void main(String[] args) throws Exception {
      try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + args[0])) {
        System.out.println("holding");
        System.out.flush();
        while (System.in.read() >= 0) {
          Thread.onSpinWait();
        }
      }
    }
  }
}
