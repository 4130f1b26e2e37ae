package io.churnwire.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * PostgreSQL, through a small HikariCP pool that does not connect until it is first used, so a
 * process starts while the database is down and carries on once it is back. Rows go in with
 * {@code COPY} (ten times the rate of batched inserts); ids come from an identity column, so any
 * number of processes may append at once.
 */
final class PostgresDatabase implements Database {
  /** Connections in the pool: one writer, the rest for queries. */
  static final int POOL_SIZE = 4;

  private static final String COPY = "COPY predictions (predicted_at, request_id, customer_id, model_version,"
      + " probability, will_churn, risk_band, interface, method, internet_service, number_dependents,"
      + " number_referrals, satisfaction_score, tenure_in_months, total_long_distance_charges, total_revenue,"
      + " contract, payment_method) FROM STDIN";
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  private final String description;
  private final HikariDataSource pool;

  private PostgresDatabase(String description, HikariDataSource pool) {
    this.description = description;
    this.pool = pool;
  }

  /** A pool for {@code url} as {@code user}; nothing is connected yet. */
  static PostgresDatabase open(String url, Optional<String> user, Optional<String> password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("churnwire-history");
    config.setJdbcUrl(url);
    user.ifPresent(config::setUsername);
    password.ifPresent(config::setPassword);
    config.setMaximumPoolSize(POOL_SIZE);
    // No idle minimum: while the database is down, nothing retries in the background, and the
    // first call after it is back connects at once instead of after the pool's retry back-off.
    config.setMinimumIdle(0);
    // Start without a connection: the database may come up after this process.
    config.setInitializationFailTimeout(-1);
    // A call waits this long for a connection before reporting the store unavailable.
    config.setConnectionTimeout(3_000);
    config.setValidationTimeout(1_000);
    // The URL's own values win over these (the driver reads its parameters last).
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("socketTimeout", "120");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "churnwire");
    return new PostgresDatabase(describe(url), new HikariDataSource(config));
  }

  /** {@code postgresql://host:port/db} of {@code url}, without its parameters. */
  static String describe(String url) {
    String rest = url.substring("jdbc:".length());
    int parameters = rest.indexOf('?');
    return parameters < 0 ? rest : rest.substring(0, parameters);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public List<String> migrationLocations() {
    return List.of("classpath:db/history/postgresql");
  }

  @Override
  public DataSource migrationSource() {
    return pool;
  }

  @Override
  public void prepare(Connection connection) {}

  @Override
  public Connection reader() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  @Override
  public void insert(Connection connection, List<PredictionRecord> records) throws SQLException {
    StringBuilder rows = new StringBuilder(records.size() * 256);
    for (PredictionRecord record : records) {
      CustomerFeatures features = record.features();
      rows.append(TIMESTAMP.format(LocalDateTime.ofInstant(record.predictedAt(), ZoneOffset.UTC))).append('\t');
      text(rows, record.requestId()).append('\t');
      text(rows, record.customerId()).append('\t');
      text(rows, record.modelVersion()).append('\t');
      rows.append(record.probability()).append('\t');
      rows.append(record.willChurn() ? 't' : 'f').append('\t');
      text(rows, record.riskBand()).append('\t');
      text(rows, record.interfaceName()).append('\t');
      text(rows, record.method()).append('\t');
      text(rows, features.internetService()).append('\t');
      value(rows, features.numberDependents()).append('\t');
      value(rows, features.numberReferrals()).append('\t');
      value(rows, features.satisfactionScore()).append('\t');
      value(rows, features.tenureInMonths()).append('\t');
      value(rows, features.totalLongDistanceCharges()).append('\t');
      value(rows, features.totalRevenue()).append('\t');
      text(rows, features.contract()).append('\t');
      text(rows, features.paymentMethod()).append('\n');
    }
    try {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn(COPY, new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  /** {@code value} in COPY's text format: null as {@code \N}, backslash and separators escaped. */
  private static StringBuilder text(StringBuilder out, String value) {
    if (value == null) {
      return out.append("\\N");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out;
  }

  private static StringBuilder value(StringBuilder out, Number value) {
    return value == null ? out.append("\\N") : out.append(value);
  }
}
