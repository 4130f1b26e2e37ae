package io.churnwire.cli;

import io.churnwire.client.ChurnClient;
import io.churnwire.client.RetrySettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the server is and how persistently to call it; shared by every subcommand. */
final class ConnectionOptions {
  @Option(names = "--target", defaultValue = "${env:CHURNWIRE_TARGET:-localhost:50051}",
      description = "Server address as host:port (env CHURNWIRE_TARGET; default ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--max-attempts", defaultValue = "5",
      description = "Attempts per call on UNAVAILABLE or RESOURCE_EXHAUSTED, waiting as long as the "
          + "server asks; 1 disables retries (default ${DEFAULT-VALUE}).")
  int maxAttempts;

  /** A client whose unary calls wait at most {@code timeout}, retries included. */
  ChurnClient connect(Duration timeout) {
    return ChurnClient.builder(target)
        .deadline(timeout)
        .retry(RetrySettings.defaults().withMaxAttempts(maxAttempts))
        .build();
  }
}
