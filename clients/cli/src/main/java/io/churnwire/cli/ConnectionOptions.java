package io.churnwire.cli;

import static io.churnwire.cli.CliSettings.MAX_ATTEMPTS;
import static io.churnwire.cli.CliSettings.TARGET;
import static io.churnwire.cli.CliSettings.TLS;
import static io.churnwire.cli.CliSettings.TLS_CA_FILE;
import static io.churnwire.cli.CliSettings.TLS_CERT_FILE;
import static io.churnwire.cli.CliSettings.TLS_KEY_FILE;
import static io.churnwire.cli.CliSettings.TOKEN;
import static io.churnwire.cli.CliSettings.TOKEN_FILE;

import io.churnwire.client.ChurnClient;
import io.churnwire.client.ClientSecurity;
import io.churnwire.client.RetrySettings;
import io.churnwire.config.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * Where the server is, how persistently to call it and how to secure the calls, as every
 * subcommand resolved them.
 *
 * @param target      server address as host:port
 * @param maxAttempts attempts per call on a transient error
 * @param security    TLS, client certificate and bearer token
 */
record ConnectionOptions(String target, int maxAttempts, ClientSecurity security) {

  /**
   * The connection settings among a subcommand's {@code values}, the token file read.
   *
   * @throws IllegalArgumentException naming the flags, when they contradict each other or the token
   *     file cannot be read
   */
  static ConnectionOptions from(Values values) {
    if (values.get(TOKEN).isPresent() && values.get(TOKEN_FILE).isPresent()) {
      throw new IllegalArgumentException(TOKEN.flag() + " and " + TOKEN_FILE.flag() + " were both given; give one");
    }
    if (values.get(TLS_CERT_FILE).isPresent() != values.get(TLS_KEY_FILE).isPresent()) {
      throw new IllegalArgumentException(TLS_CERT_FILE.flag() + " and " + TLS_KEY_FILE.flag()
          + " go together; give both or neither");
    }
    try {
      ClientSecurity security = ClientSecurity.fromOptions(values.get(TLS), values.get(TLS_CA_FILE),
          values.get(TLS_CERT_FILE), values.get(TLS_KEY_FILE), values.get(TOKEN), values.get(TOKEN_FILE));
      return new ConnectionOptions(values.get(TARGET), values.get(MAX_ATTEMPTS), security);
    } catch (IOException e) {
      String reason = e instanceof NoSuchFileException missing ? "no such file " + missing.getFile() : e.getMessage();
      throw new IllegalArgumentException(TOKEN_FILE.flag() + ": " + reason, e);
    } catch (IllegalArgumentException badToken) {
      String flag = values.get(TOKEN).isPresent() ? TOKEN.flag() : TOKEN_FILE.flag();
      throw new IllegalArgumentException(flag + ": " + badToken.getMessage(), badToken);
    }
  }

  /**
   * A client whose unary calls wait at most {@code timeout}, retries included.
   *
   * @throws IllegalArgumentException when a certificate, key or CA file cannot be read or used
   */
  ChurnClient connect(Duration timeout) {
    try {
      return ChurnClient.builder(target)
          .deadline(timeout)
          .retry(RetrySettings.defaults().withMaxAttempts(maxAttempts))
          .security(security)
          .build();
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
