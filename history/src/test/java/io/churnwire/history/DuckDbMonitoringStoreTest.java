package io.churnwire.history;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Outcomes and served features on a DuckDB file. */
class DuckDbMonitoringStoreTest extends MonitoringStoreContract {
  @TempDir Path directory;
  private int files;

  @Override
  HistoryConfig freshConfig() {
    return HistoryConfig.defaults().withUrl("jdbc:duckdb:" + directory.resolve("m" + files++ + ".duckdb"));
  }

  @Override
  Database openDatabase(HistoryConfig config) {
    return DuckDbDatabase.open(config.url());
  }

  @Override
  String firstReleaseVersion() {
    return "1";
  }
}
