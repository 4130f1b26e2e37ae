package io.churnwire.history;

import static io.churnwire.history.Predictions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.testsupport.PostgresServer;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recording into a real PostgreSQL that goes away and comes back mid-run. */
class PostgresRecorderTest {
  private static final Instant T0 = Instant.parse("2026-03-04T10:15:30Z");
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void serverStoppedAndRestarted_recordingResumesByItself_andCheckRecovers() throws Exception {
    HistoryConfig config = HistoryConfig.defaults().withUrl(server.jdbcUrl()).withCredentials(server.user(), "x");
    HistoryRecorderTest.Counting listener = new HistoryRecorderTest.Counting();
    try (PredictionStore store = PredictionStores.open(config)) {
      HistoryRecorder recorder = HistoryRecorder.start(store, config, listener);
      for (int i = 0; i < 500; i++) {
        recorder.record(at(T0.plusMillis(i), "before" + i, "v1", 0.5));
      }
      Eventually.passes(() -> assertEquals(500, recorder.written()));

      server.stop();
      assertThrows(HistoryException.class, store::check);
      for (int i = 0; i < 500; i++) {
        recorder.record(at(T0.plusSeconds(60).plusMillis(i), "during" + i, "v1", 0.5));
      }
      Eventually.passes(() -> assertEquals(1, listener.unavailable.get()));
      server.restart();

      Eventually.passes(store::check);
      Eventually.passes(() -> assertEquals(1_000, recorder.written()));
      recorder.close();

      assertEquals(0, recorder.dropped());
      assertEquals(1, listener.available.get());
      assertEquals(1_000, store.stats(TimeRange.ALL).overall().count());
    }
  }
}
