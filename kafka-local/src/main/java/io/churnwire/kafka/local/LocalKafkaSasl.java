package io.churnwire.kafka.local;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A SASL_PLAINTEXT listener of the local broker, with its users, so clients can be tested with
 * SASL/PLAIN or SASL/SCRAM credentials. SCRAM users are (re)written through the admin API at
 * each start, so a changed password takes effect on restart.
 *
 * @param port listener port on 127.0.0.1
 * @param mechanism the one mechanism the listener accepts
 * @param users user name to password
 */
public record LocalKafkaSasl(int port, Mechanism mechanism, Map<String, String> users) {

  /** The SASL mechanisms the listener can offer. */
  public enum Mechanism {
    PLAIN, SCRAM_SHA_256, SCRAM_SHA_512;

    /** The name Kafka uses: {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}. */
    public String kafkaName() {
      return name().replace('_', '-');
    }

    /** The mechanism Kafka calls {@code name}, in any case. */
    public static Mechanism of(String name) {
      for (Mechanism mechanism : values()) {
        if (mechanism.kafkaName().equalsIgnoreCase(name)) {
          return mechanism;
        }
      }
      throw new IllegalArgumentException("SASL mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '"
          + name + "'");
    }

    /** The JAAS login module of the mechanism. */
    String loginModule() {
      return this == PLAIN ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
    }

    /** How Kafka names the mechanism in per-listener keys: {@code scram-sha-256}. */
    String keyName() {
      return kafkaName().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates the port and the users, naming a bad one (never its password). */
  public LocalKafkaSasl {
    LocalKafkaConfig.checkPort("saslPort", port);
    Objects.requireNonNull(mechanism, "mechanism");
    users = Collections.unmodifiableMap(new TreeMap<>(users));
    if (users.isEmpty()) {
      throw new IllegalArgumentException("a SASL listener needs at least one user");
    }
    users.forEach((user, password) -> {
      if (!user.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("SASL user names are letters, digits, '.', '_' and '-', got '" + user + "'");
      }
      if (password.isEmpty() || password.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
        throw new IllegalArgumentException("the password of SASL user " + user
            + " must be non-empty, without quotes, backslashes or control characters");
      }
    });
  }

  /** Names the users, never their passwords. */
  @Override
  public String toString() {
    return "LocalKafkaSasl[port=" + port + ", mechanism=" + mechanism.kafkaName() + ", users=" + users.keySet() + "]";
  }

  /** The broker's JAAS configuration of the listener: PLAIN lists its users, SCRAM keeps them in metadata. */
  String jaasConfig() {
    var jaas = new StringBuilder(mechanism.loginModule()).append(" required");
    if (mechanism == Mechanism.PLAIN) {
      users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
    }
    return jaas.append(';').toString();
  }
}
