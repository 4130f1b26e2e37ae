package io.churnwire.kafka.local;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An SSL listener of the local broker, with PEM files as Kafka reads them
 * ({@code ssl.keystore.type=PEM}), so tests and demos exercise TLS and mTLS to the brokers with the
 * same certificates as the rest of the project.
 *
 * @param port listener port on 127.0.0.1
 * @param certificateChain PEM certificate chain of the broker
 * @param key PEM PKCS#8 unencrypted private key of the broker
 * @param clientCa PEM authorities client certificates must chain to; when given, clients must
 *     present one (mTLS, {@code ssl.client.auth=required})
 */
public record LocalKafkaSsl(int port, Path certificateChain, Path key, Optional<Path> clientCa) {

  /** Validates the port and that every file is named. */
  public LocalKafkaSsl {
    LocalKafkaConfig.checkPort("sslPort", port);
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(clientCa, "clientCa");
  }
}
