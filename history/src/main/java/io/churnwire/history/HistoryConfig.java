package io.churnwire.history;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the prediction history is kept: on or off, which store and as whom, how long predictions
 * stay and how many may wait to be written. Checked against {@link HistorySettings}' rules, so a
 * config built in code obeys them too; {@link #toString()} never shows the password.
 *
 * @param enabled       whether predictions are recorded and the insights calls answered
 * @param url           {@code jdbc:duckdb:<file>} or {@code jdbc:postgresql://…}, without credentials
 * @param user          the PostgreSQL user, if any
 * @param password      the PostgreSQL password, if any
 * @param retentionDays predictions older than this are deleted; 0 keeps them forever
 * @param queueCapacity how many predictions may wait to be written before more are dropped
 * @param flushTimeout  how long closing the recorder may take to write what is queued
 */
public record HistoryConfig(boolean enabled, String url, Optional<String> user, Optional<String> password,
    int retentionDays, int queueCapacity, Duration flushTimeout) {

  /** How long a clean stop waits for queued predictions to be written. */
  public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

  public HistoryConfig {
    HistorySettings.HISTORY_URL.check(url);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    HistorySettings.HISTORY_RETENTION_DAYS.check(retentionDays);
    HistorySettings.HISTORY_QUEUE_CAPACITY.check(queueCapacity);
    Objects.requireNonNull(flushTimeout, "flushTimeout");
    if (flushTimeout.isNegative()) {
      throw new IllegalArgumentException("flushTimeout must not be negative, got " + flushTimeout);
    }
  }

  /** Every setting at its default: on, the embedded store in {@value HistorySettings#DEFAULT_URL}. */
  public static HistoryConfig defaults() {
    return new HistoryConfig(true, HistorySettings.DEFAULT_URL, Optional.empty(), Optional.empty(),
        HistorySettings.HISTORY_RETENTION_DAYS.defaultValue(), HistorySettings.HISTORY_QUEUE_CAPACITY.defaultValue(),
        FLUSH_TIMEOUT);
  }

  /** History turned off: nothing recorded, no store opened. */
  public static HistoryConfig off() {
    return defaults().withEnabled(false);
  }

  /** This config with another store. */
  public HistoryConfig withUrl(String newUrl) {
    return new HistoryConfig(enabled, newUrl, user, password, retentionDays, queueCapacity, flushTimeout);
  }

  /** This config turned on or off. */
  public HistoryConfig withEnabled(boolean on) {
    return new HistoryConfig(on, url, user, password, retentionDays, queueCapacity, flushTimeout);
  }

  /** This config connecting as {@code newUser} with {@code newPassword}. */
  public HistoryConfig withCredentials(String newUser, String newPassword) {
    return new HistoryConfig(enabled, url, Optional.of(newUser), Optional.of(newPassword), retentionDays,
        queueCapacity, flushTimeout);
  }

  /** This config keeping predictions {@code days} days (0 = forever). */
  public HistoryConfig withRetentionDays(int days) {
    return new HistoryConfig(enabled, url, user, password, days, queueCapacity, flushTimeout);
  }

  /** This config letting {@code capacity} predictions wait to be written. */
  public HistoryConfig withQueueCapacity(int capacity) {
    return new HistoryConfig(enabled, url, user, password, retentionDays, capacity, flushTimeout);
  }

  /** This config giving a clean stop {@code timeout} to write what is queued. */
  public HistoryConfig withFlushTimeout(Duration timeout) {
    return new HistoryConfig(enabled, url, user, password, retentionDays, queueCapacity, timeout);
  }

  /** Whether {@link #url()} names PostgreSQL rather than the embedded store. */
  public boolean postgresql() {
    return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
  }

  @Override
  public String toString() {
    return "HistoryConfig[enabled=" + enabled + ", url=" + url + ", user=" + user.orElse("") + ", password="
        + (password.isPresent() ? "***" : "") + ", retentionDays=" + retentionDays + ", queueCapacity="
        + queueCapacity + ", flushTimeout=" + flushTimeout + "]";
  }
}
