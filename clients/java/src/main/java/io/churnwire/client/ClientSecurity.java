package io.churnwire.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a client of a Churnwire server proves who it is and whom it trusts: TLS with a CA file (the
 * platform's trust store when none is given), a client certificate and key for mTLS, and a bearer
 * token sent as {@code authorization: Bearer <token>} on every call. Shared by the Java client, its
 * command line and the Kafka bridge, so they all read the same files the same way.
 *
 * @param tls whether to speak TLS at all; false is plaintext, for a server without certificates
 * @param caFile PEM certificates of the authorities the server's certificate must chain to;
 *     empty for the platform's trust store
 * @param certificateFile PEM client certificate chain, for mTLS; given together with
 *     {@code keyFile}
 * @param keyFile PEM PKCS#8 private key of the client certificate
 * @param token the bearer token; empty to send none
 * @param tokenFile the file {@code token} was read from, read again when it changes so a rotated
 *     token is sent without a restart; empty for a token given as it is
 */
public record ClientSecurity(boolean tls, Optional<Path> caFile, Optional<Path> certificateFile,
    Optional<Path> keyFile, Optional<String> token, Optional<Path> tokenFile) {

  /** Checks that the parts fit together. */
  public ClientSecurity {
    if (certificateFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key and a key its certificate;"
          + " give both or neither");
    }
    if (!tls && (caFile.isPresent() || certificateFile.isPresent())) {
      throw new IllegalArgumentException("a CA file or a client certificate needs TLS");
    }
    token.ifPresent(ClientSecurity::requireTokenCharacters);
    if (tokenFile.isPresent() && token.isEmpty()) {
      throw new IllegalArgumentException("a token file needs the token read from it; use withTokenFile");
    }
  }

  /** Plaintext, no token: a server started without certificates or tokens. */
  public static ClientSecurity plaintext() {
    return new ClientSecurity(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** TLS trusting the platform's trust store, for a server with a publicly trusted certificate. */
  public static ClientSecurity systemTrust() {
    return new ClientSecurity(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** TLS trusting the authorities in {@code caFile}. */
  public static ClientSecurity tls(Path caFile) {
    return new ClientSecurity(true, Optional.of(caFile), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** The same, also presenting {@code certificateFile} and {@code keyFile} (mTLS). */
  public ClientSecurity withClientCertificate(Path certificateFile, Path keyFile) {
    return new ClientSecurity(true, caFile, Optional.of(certificateFile), Optional.of(keyFile), token, tokenFile);
  }

  /** The same, also sending {@code bearerToken} on every call. */
  public ClientSecurity withToken(String bearerToken) {
    return new ClientSecurity(tls, caFile, certificateFile, keyFile, Optional.of(bearerToken), Optional.empty());
  }

  /**
   * The same, also sending the token kept in {@code file} on every call, read now and again
   * whenever the file changes.
   *
   * @throws IOException if the file cannot be read or holds no token
   */
  public ClientSecurity withTokenFile(Path file) throws IOException {
    return new ClientSecurity(tls, caFile, certificateFile, keyFile, Optional.of(readToken(file)), Optional.of(file));
  }

  /**
   * The security that command-line options ask for, by the rules every Churnwire command applies: a
   * CA file or a client certificate implies TLS, and the token is given inline or in a file, not
   * both.
   *
   * @param tls TLS was asked for explicitly
   * @param tokenFile a file whose first line is the token, read now and again when it changes
   * @throws IllegalArgumentException if the options contradict each other
   * @throws IOException if the token file cannot be read or holds no token
   */
  public static ClientSecurity fromOptions(boolean tls, Optional<Path> caFile, Optional<Path> certificateFile,
      Optional<Path> keyFile, Optional<String> token, Optional<Path> tokenFile) throws IOException {
    if (token.isPresent() && tokenFile.isPresent()) {
      throw new IllegalArgumentException("a token and a token file were both given; give one");
    }
    Optional<String> bearer = tokenFile.isPresent() ? Optional.of(readToken(tokenFile.get())) : token;
    boolean anyTls = tls || caFile.isPresent() || certificateFile.isPresent() || keyFile.isPresent();
    return new ClientSecurity(anyTls, caFile, certificateFile, keyFile, bearer, tokenFile);
  }

  /**
   * Reads a token from its file, as secrets are mounted: the first line, surrounding white space
   * removed.
   *
   * @throws IOException if the file cannot be read or holds no token
   */
  public static String readToken(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
    if (token.isEmpty()) {
      throw new IOException("token file " + file + " is empty");
    }
    return token;
  }

  /**
   * The channel credentials: TLS as configured, or plaintext, combined with the bearer token.
   *
   * @throws IOException if a certificate, key or CA file cannot be read
   */
  public ChannelCredentials channelCredentials() throws IOException {
    ChannelCredentials transport = tls ? tlsCredentials() : InsecureChannelCredentials.create();
    Optional<CallCredentials> calls = callCredentials();
    return calls.isPresent() ? CompositeChannelCredentials.create(transport, calls.get()) : transport;
  }

  /** The bearer token as call credentials, if one is set. */
  public Optional<CallCredentials> callCredentials() {
    if (tokenFile.isPresent()) {
      return Optional.of(new BearerToken(new TokenFile(tokenFile.get(), token.orElseThrow(),
          TokenFile.CHECK_INTERVAL_NANOS)));
    }
    return token.map(fixed -> new BearerToken(() -> fixed));
  }

  /** The settings with the token left out, so logging them never leaks it. */
  @Override
  public String toString() {
    return "ClientSecurity[tls=" + tls + ", caFile=" + caFile.map(Path::toString).orElse("(platform)")
        + ", certificateFile=" + certificateFile.map(Path::toString).orElse("(none)")
        + ", keyFile=" + keyFile.map(Path::toString).orElse("(none)")
        + ", token=" + (token.isPresent() ? "(set)" : "(none)")
        + tokenFile.map(file -> ", tokenFile=" + file).orElse("") + "]";
  }

  private ChannelCredentials tlsCredentials() throws IOException {
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (caFile.isPresent()) {
      builder.trustManager(caFile.get().toFile());
    }
    if (certificateFile.isPresent()) {
      builder.keyManager(certificateFile.get().toFile(), keyFile.orElseThrow().toFile());
    }
    return builder.build();
  }

  static void requireTokenCharacters(String token) {
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException("a bearer token must be printable ASCII without spaces");
    }
  }
}
