package io.churnwire.bridge.internal;

import io.churnwire.bridge.BridgeHeaders;
import java.util.Locale;
import java.util.Optional;

/** The two wire encodings of {@code churnwire.v1} messages on Kafka; a response uses its request's. */
public enum Encoding {
  /** Serialized protobuf, the default when no content-type header is present. */
  PROTOBUF(BridgeHeaders.PROTOBUF),
  /** Proto3 JSON mapping, UTF-8. */
  JSON(BridgeHeaders.JSON);

  private final String contentType;

  Encoding(String contentType) {
    this.contentType = contentType;
  }

  /** The content-type header value written with records of this encoding. */
  public String contentType() {
    return contentType;
  }

  /**
   * Maps a content-type header value to an encoding, ignoring parameters such as {@code charset}
   * and case; {@code null} (no header) means protobuf, an unknown type means empty.
   */
  public static Optional<Encoding> fromContentType(String headerValue) {
    if (headerValue == null) {
      return Optional.of(PROTOBUF);
    }
    String mediaType = headerValue.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return switch (mediaType) {
      case "", "application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf" ->
          Optional.of(PROTOBUF);
      case "application/json" -> Optional.of(JSON);
      default -> Optional.empty();
    };
  }
}
