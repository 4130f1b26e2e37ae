package io.churnwire.bridge.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns record values into {@code PredictRequest}s (and {@code Outcome}s) and {@code PredictResponse}s
 * into record values, in either encoding. JSON parsing is strict: an unknown field is a decoding error, not silently
 * dropped, so a producer's typo lands in the dead-letter topic where someone sees it.
 */
public final class RecordCodec {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private RecordCodec() {}

  /** A request and the encoding its answer must use. */
  public record Decoded(PredictRequest request, Encoding encoding) {}

  /** Why a record value could not become a request; {@link #code()} goes into the DLQ header. */
  public static final class DecodeException extends Exception {
    private final String code;

    DecodeException(String code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }

    /** {@link BridgeHeaders#CODE_UNDECODABLE} or {@link BridgeHeaders#CODE_UNSUPPORTED_CONTENT_TYPE}. */
    public String code() {
      return code;
    }
  }

  /** Decodes a record value according to its content-type header. */
  public static Decoded decode(byte[] value, Headers headers) throws DecodeException {
    String contentType = lastHeader(headers, BridgeHeaders.CONTENT_TYPE);
    Encoding encoding = Encoding.fromContentType(contentType).orElseThrow(() -> new DecodeException(
        BridgeHeaders.CODE_UNSUPPORTED_CONTENT_TYPE,
        "content-type '" + contentType + "' is neither " + BridgeHeaders.PROTOBUF + " nor " + BridgeHeaders.JSON,
        null));
    if (value == null) {
      throw new DecodeException(BridgeHeaders.CODE_UNDECODABLE, "record has no value (tombstone)", null);
    }
    try {
      return new Decoded(switch (encoding) {
        case PROTOBUF -> PredictRequest.parseFrom(value);
        case JSON -> {
          var builder = PredictRequest.newBuilder();
          PARSER.merge(new String(value, StandardCharsets.UTF_8), builder);
          yield builder.build();
        }
      }, encoding);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new DecodeException(BridgeHeaders.CODE_UNDECODABLE,
          "not a churnwire.v1.PredictRequest in " + encoding.contentType() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes an outcomes-topic record value according to its content-type header, as strictly as
   * a request; only its form is checked here, its fields are the server's to validate.
   */
  public static Outcome decodeOutcome(byte[] value, Headers headers) throws DecodeException {
    String contentType = lastHeader(headers, BridgeHeaders.CONTENT_TYPE);
    Encoding encoding = Encoding.fromContentType(contentType).orElseThrow(() -> new DecodeException(
        BridgeHeaders.CODE_UNSUPPORTED_CONTENT_TYPE,
        "content-type '" + contentType + "' is neither " + BridgeHeaders.PROTOBUF + " nor " + BridgeHeaders.JSON,
        null));
    if (value == null) {
      throw new DecodeException(BridgeHeaders.CODE_UNDECODABLE, "record has no value (tombstone)", null);
    }
    try {
      return switch (encoding) {
        case PROTOBUF -> Outcome.parseFrom(value);
        case JSON -> {
          var builder = Outcome.newBuilder();
          PARSER.merge(new String(value, StandardCharsets.UTF_8), builder);
          yield builder.build();
        }
      };
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new DecodeException(BridgeHeaders.CODE_UNDECODABLE,
          "not a churnwire.v1.Outcome in " + encoding.contentType() + ": " + e.getMessage(), e);
    }
  }

  /** Encodes a response in the given encoding. */
  public static byte[] encode(PredictResponse response, Encoding encoding) {
    return switch (encoding) {
      case PROTOBUF -> response.toByteArray();
      case JSON -> {
        try {
          yield PRINTER.print(response).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a PredictResponse always prints as JSON", e);
        }
      }
    };
  }

  /** Encodes a request in the given encoding; used by the simulator and tests. */
  public static byte[] encode(PredictRequest request, Encoding encoding) {
    return switch (encoding) {
      case PROTOBUF -> request.toByteArray();
      case JSON -> {
        try {
          yield PRINTER.print(request).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a PredictRequest always prints as JSON", e);
        }
      }
    };
  }

  /** Decodes a response value according to its content-type header; used by the reader. */
  public static PredictResponse decodeResponse(byte[] value, Headers headers) throws DecodeException {
    String contentType = lastHeader(headers, BridgeHeaders.CONTENT_TYPE);
    Encoding encoding = Encoding.fromContentType(contentType).orElseThrow(() -> new DecodeException(
        BridgeHeaders.CODE_UNSUPPORTED_CONTENT_TYPE, "content-type '" + contentType + "'", null));
    try {
      if (encoding == Encoding.JSON) {
        var builder = PredictResponse.newBuilder();
        PARSER.merge(new String(value, StandardCharsets.UTF_8), builder);
        return builder.build();
      }
      return PredictResponse.parseFrom(value);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new DecodeException(BridgeHeaders.CODE_UNDECODABLE, e.getMessage(), e);
    }
  }

  /** The UTF-8 value of the last header with this name, or null. */
  public static String lastHeader(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
