package io.churnwire.server;

import io.grpc.Metadata;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What may serve as a request id, and the header that carries one. An id travels back in a
 * response header and into every log line about its call, so only a short printable ASCII id is
 * taken from a caller (at most {@value #MAX_LENGTH} characters, no spaces or controls); any other
 * is replaced by an assigned UUID, never echoed.
 */
final class RequestIds {
  /** Longest id taken from a caller. */
  static final int MAX_LENGTH = 128;

  /** The request id header: Envoy's and most proxies' name for it, in both directions. */
  static final Metadata.Key<String> HEADER = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private RequestIds() {}

  /** {@code candidate} when it may serve as an id; empty when absent, empty, too long or not printable. */
  static Optional<String> accepted(String candidate) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (c <= ' ' || c > '~') {
        return Optional.empty();
      }
    }
    return Optional.of(candidate);
  }

  /**
   * A fresh id for a call or request that brought none: a random (version 4) UUID. An id only has
   * to be unique, never secret, so it is drawn from {@link ThreadLocalRandom} rather than from
   * {@link UUID#randomUUID()}'s {@code SecureRandom}, which costs a lock and a system call per id
   * and is paid on every streamed item that brings no id of its own.
   */
  static String assign() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
