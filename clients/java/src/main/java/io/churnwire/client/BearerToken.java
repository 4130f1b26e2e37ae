package io.churnwire.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.net.InetAddress;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Sends {@code authorization: Bearer <token>} on every call, and only over a channel with privacy
 * and integrity (TLS) or to a server on the loopback interface's plaintext, so a token is never
 * sent in the clear across a network by mistake.
 */
final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> token;

  /** Sends the token {@code token} gives at each call. */
  BearerToken(Supplier<String> token) {
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !loopback(info.getAuthority())) {
      applier.fail(Status.UNAUTHENTICATED.withDescription(
          "refusing to send a bearer token over plaintext to " + info.getAuthority() + "; use TLS"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token.get());
    applier.apply(headers);
  }

  /**
   * Whether {@code authority} names the loopback interface: {@code localhost}, or an address literal
   * in 127.0.0.0/8 or {@code ::1}. Nothing is resolved, so a host name such as
   * {@code 127.0.0.1.example.com} is not taken for one.
   */
  static boolean loopback(String authority) {
    String host = authority.startsWith("[")
        ? authority.substring(1, Math.max(1, authority.indexOf(']')))
        : authority.replaceFirst(":\\d*$", "");
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(host).isLoopbackAddress();
    } catch (IllegalArgumentException notAnAddress) {
      return false;
    }
  }
}
