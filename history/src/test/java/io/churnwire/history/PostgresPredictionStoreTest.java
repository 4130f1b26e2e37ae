package io.churnwire.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.PostgresServer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server, and what only PostgreSQL does. */
class PostgresPredictionStoreTest extends PredictionStoreContract {
  private static PostgresServer server;
  private static int databases;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  HistoryConfig freshConfig() throws Exception {
    return HistoryConfig.defaults().withUrl(server.createDatabase("store_" + databases++))
        .withCredentials(server.user(), "not-needed-with-trust");
  }

  @Test
  void describe_namesHostPortAndDatabase_only() {
    assertEquals("postgresql://127.0.0.1:" + server.port() + "/store_" + (databases - 1), store.describe());
  }

  @Test
  void open_serverDown_doesNotThrow_callsFailUntilItIsUp_thenMigratesAndWorks() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/late";
    server.stop();
    try (PredictionStore late = PredictionStores.open(HistoryConfig.defaults().withUrl(url)
        .withCredentials(server.user(), "secret-password"))) {
      HistoryException down = assertThrows(HistoryException.class, late::check);
      assertThrows(HistoryException.class, () -> late.append(List.of(Predictions.at(T0, "a", "v1", 0.5))));
      assertTrue(down.getMessage().startsWith("postgresql://127.0.0.1:" + server.port() + "/late: "),
          down.getMessage());
      assertTrue(!down.getMessage().contains("secret-password"), down.getMessage());

      server.restart();
      server.createDatabase("late");
      Eventually.passes(late::check);
      late.append(List.of(Predictions.at(T0, "a", "v1", 0.5)));

      assertEquals(1, late.stats(TimeRange.ALL).overall().count());
      assertEquals(Optional.of(T0), late.earliest());
    } finally {
      server.restart();
    }
  }
}
