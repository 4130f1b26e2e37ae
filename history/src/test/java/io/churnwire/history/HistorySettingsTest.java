package io.churnwire.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.config.Settings;
import io.churnwire.config.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistorySettingsTest {
  private static final Settings SETTINGS = Settings.of("test", "Tests history settings.", "TEST_CONFIG",
      HistorySettings.HISTORY, HistorySettings.HISTORY_URL, HistorySettings.HISTORY_USER,
      HistorySettings.HISTORY_PASSWORD_FILE, HistorySettings.HISTORY_RETENTION_DAYS,
      HistorySettings.HISTORY_QUEUE_CAPACITY);

  @TempDir Path directory;

  private static HistoryConfig config(Map<String, String> environment, String... args) {
    Values values = SETTINGS.resolve(args, environment);
    return HistorySettings.config(values, environment);
  }

  @Test
  void defaults_areOn_embeddedStore_180Days_100000Queued() {
    HistoryConfig config = config(Map.of());

    assertEquals(HistoryConfig.defaults(), config);
    assertTrue(config.enabled());
    assertEquals("jdbc:duckdb:var/predictions.duckdb", config.url());
    assertEquals(180, config.retentionDays());
    assertEquals(100_000, config.queueCapacity());
    assertFalse(config.postgresql());
  }

  @Test
  void history_readsOnOffAndTrueFalse_fromFlagOrEnvironment() {
    assertFalse(config(Map.of(), "--history=off").enabled());
    assertTrue(config(Map.of(), "--history", "on").enabled());
    assertFalse(config(Map.of(), "--history=false").enabled());
    assertFalse(config(Map.of("CHURNWIRE_HISTORY", "OFF")).enabled());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> config(Map.of(), "--history=maybe"));
    assertEquals("history must be on or off, got 'maybe' (from --history)", bad.getMessage());
    assertEquals("off", HistorySettings.HISTORY.format(false));
  }

  @Test
  void url_onlyDuckDbOrPostgresql() {
    assertTrue(config(Map.of(), "--history-url=jdbc:postgresql://db:5432/churn").postgresql());
    assertEquals("jdbc:duckdb:/var/lib/h.duckdb",
        config(Map.of("CHURNWIRE_HISTORY_URL", "jdbc:duckdb:/var/lib/h.duckdb")).url());

    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> config(Map.of(), "--history-url=jdbc:mysql://db/churn"));
    assertTrue(other.getMessage().startsWith("history-url must be a jdbc:duckdb: or jdbc:postgresql: URL"),
        other.getMessage());
  }

  @Test
  void url_carryingAPassword_isRefused_withoutRepeatingIt() {
    for (String url : new String[] {"jdbc:postgresql://db/churn?user=u&password=hunter2",
        "jdbc:postgresql://db/churn?PASSWORD=hunter2&ssl=true", "jdbc:postgresql://u:hunter2@db/churn",
        "jdbc:duckdb:md:churn?motherduck_token=hunter2"}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> config(Map.of(), "--history-url=" + url), url);

      assertTrue(refused.getMessage().contains("without a password"), refused.getMessage());
      assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
      assertThrows(IllegalArgumentException.class, () -> HistoryConfig.defaults().withUrl(url));
    }
  }

  @Test
  void password_fromEnvironment_orFromAFile_neverAFlag(@TempDir Path files) throws Exception {
    Path file = files.resolve("password");
    Files.writeString(file, "from-file\n");

    HistoryConfig fromEnvironment = config(Map.of("CHURNWIRE_HISTORY_PASSWORD", "from-env",
        "CHURNWIRE_HISTORY_USER", "churn"));
    HistoryConfig fromFile = config(Map.of(), "--history-password-file=" + file);

    assertEquals(Optional.of("from-env"), fromEnvironment.password());
    assertEquals(Optional.of("churn"), fromEnvironment.user());
    assertEquals(Optional.of("from-file"), fromFile.password());
    assertThrows(IllegalArgumentException.class, () -> config(Map.of(), "--history-password=x"));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> config(Map.of("CHURNWIRE_HISTORY_PASSWORD", "from-env"), "--history-password-file=" + file));
    assertFalse(both.getMessage().contains("from-env"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> config(Map.of(), "--history-password-file=" + files.resolve("absent")));
    assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
  }

  @Test
  void toString_hidesThePassword() {
    HistoryConfig config = HistoryConfig.defaults().withUrl("jdbc:postgresql://db/churn")
        .withCredentials("churn", "hunter2");

    assertFalse(config.toString().contains("hunter2"), config.toString());
    assertTrue(config.toString().contains("password=***"));
  }

  @Test
  void retentionAndQueue_areBounded() {
    assertEquals(0, config(Map.of(), "--history-retention-days=0").retentionDays());
    assertEquals(500, config(Map.of("CHURNWIRE_HISTORY_QUEUE_CAPACITY", "500")).queueCapacity());
    assertThrows(IllegalArgumentException.class, () -> config(Map.of(), "--history-retention-days=-1"));
    assertThrows(IllegalArgumentException.class, () -> config(Map.of(), "--history-queue-capacity=0"));
  }

  @Test
  void off_isDefaultsTurnedOff() {
    assertEquals(HistoryConfig.defaults().withEnabled(false), HistoryConfig.off());
    assertFalse(HistoryConfig.off().enabled());
    assertThrows(IllegalArgumentException.class, () -> PredictionStores.open(HistoryConfig.off()));
  }
}
