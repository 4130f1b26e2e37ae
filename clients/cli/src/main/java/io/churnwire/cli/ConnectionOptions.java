package io.churnwire.cli;

import static io.churnwire.cli.CliSettings.MAX_ATTEMPTS;
import static io.churnwire.cli.CliSettings.TARGET;

import io.churnwire.client.ChurnClient;
import io.churnwire.client.RetrySettings;
import io.churnwire.config.Values;
import java.time.Duration;

/**
 * Where the server is and how persistently to call it, as every subcommand resolved them.
 *
 * @param target      server address as host:port
 * @param maxAttempts attempts per call on a transient error
 */
record ConnectionOptions(String target, int maxAttempts) {

  /** The connection settings among a subcommand's {@code values}. */
  static ConnectionOptions from(Values values) {
    return new ConnectionOptions(values.get(TARGET), values.get(MAX_ATTEMPTS));
  }

  /** A client whose unary calls wait at most {@code timeout}, retries included. */
  ChurnClient connect(Duration timeout) {
    return ChurnClient.builder(target)
        .deadline(timeout)
        .retry(RetrySettings.defaults().withMaxAttempts(maxAttempts))
        .build();
  }
}
