package io.churnwire.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * Sends {@code authorization: Bearer <token>} on every call, and only over a channel with privacy
 * and integrity (TLS) or to a server on the loopback interface's plaintext, so a token is never
 * sent in the clear across a network by mistake.
 */
final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String header;

  BearerToken(String token) {
    this.header = "Bearer " + token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !loopback(info.getAuthority())) {
      applier.fail(Status.UNAUTHENTICATED.withDescription(
          "refusing to send a bearer token over plaintext to " + info.getAuthority() + "; use TLS"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, header);
    applier.apply(headers);
  }

  private static boolean loopback(String authority) {
    String host = authority.startsWith("[")
        ? authority.substring(1, Math.max(1, authority.indexOf(']')))
        : authority.replaceFirst(":\\d+$", "");
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
