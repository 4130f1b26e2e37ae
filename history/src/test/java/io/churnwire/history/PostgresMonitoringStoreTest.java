package io.churnwire.history;

import io.churnwire.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Outcomes and served features on a real PostgreSQL server. */
class PostgresMonitoringStoreTest extends MonitoringStoreContract {
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
    return HistoryConfig.defaults().withUrl(server.createDatabase("monitoring_" + databases++))
        .withCredentials(server.user(), "not-needed-with-trust");
  }

  @Override
  Database openDatabase(HistoryConfig config) {
    return PostgresDatabase.open(config.url(), config.user(), config.password());
  }

  @Override
  String firstReleaseVersion() {
    return "1.1";
  }
}
