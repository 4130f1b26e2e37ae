package io.churnwire.bridge;

/**
 * Names and values of the Kafka record headers the bridge reads and writes. They are part of the
 * bridge's contract: producers set the content type, and dead-letter readers rely on the error and
 * origin headers to find and replay a record.
 */
public final class BridgeHeaders {

  /** Encoding of the record value; absent means protobuf. Set on every response too. */
  public static final String CONTENT_TYPE = "content-type";
  /** Copied from the request when present, else its request_id, else its topic-partition-offset. */
  public static final String CORRELATION_ID = "correlation-id";

  /**
   * The request id: read from the request (else its request_id, else assigned), sent to the server
   * as the request's request_id and set on every response and dead letter, so one id finds the
   * record in the bridge's and the server's logs.
   */
  public static final String REQUEST_ID = "x-request-id";
  /** W3C trace context of the request; an answer carries one of the same trace. */
  public static final String TRACEPARENT = "traceparent";
  /** W3C vendor trace state, carried with {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  /** Why a record was dead-lettered: a gRPC status code name or one of the bridge's own codes. */
  public static final String ERROR_CODE = "churnwire-error-code";
  /** Human-readable detail of the error. */
  public static final String ERROR_MESSAGE = "churnwire-error-message";
  /** Field violations reported by the server, as {@code field: description} joined by {@code "; "}. */
  public static final String ERROR_VIOLATIONS = "churnwire-error-violations";
  /** Topic the dead-lettered record was read from. */
  public static final String ORIGINAL_TOPIC = "churnwire-original-topic";
  /** Partition the dead-lettered record was read from, in decimal. */
  public static final String ORIGINAL_PARTITION = "churnwire-original-partition";
  /** Offset of the dead-lettered record, in decimal. */
  public static final String ORIGINAL_OFFSET = "churnwire-original-offset";

  /** Why the record ended in the dead-letter topic: one of the {@code REASON_*} values. */
  public static final String REASON = "churnwire-reason";
  /** Scoring attempts made before the record was dead-lettered, in decimal. */
  public static final String ATTEMPTS = "churnwire-attempts";
  /** {@code true} when the dead letter's value (and maybe the request's own headers) was cut to fit the broker. */
  public static final String TRUNCATED = "churnwire-truncated";
  /** Size in bytes of the request's value before it was truncated, in decimal. */
  public static final String ORIGINAL_SIZE = "churnwire-original-size";

  /** Content type of serialized protobuf messages, the default. */
  public static final String PROTOBUF = "application/x-protobuf";
  /** Content type of protobuf JSON (proto3 JSON mapping). */
  public static final String JSON = "application/json";

  /** Error code: the value could not be parsed as a {@code PredictRequest}. */
  public static final String CODE_UNDECODABLE = "UNDECODABLE";
  /** Error code: the content-type header names an encoding the bridge does not speak. */
  public static final String CODE_UNSUPPORTED_CONTENT_TYPE = "UNSUPPORTED_CONTENT_TYPE";

  /** Error code: the response to a record was larger than the broker or the producer accepts. */
  public static final String CODE_ANSWER_TOO_LARGE = "ANSWER_TOO_LARGE";

  /** Reason: the value could not be read as a request. */
  public static final String REASON_UNDECODABLE = "UNDECODABLE";
  /** Reason: the server answered with an error that retrying cannot fix. */
  public static final String REASON_REJECTED = "REJECTED";
  /** Reason: the server kept answering transiently past {@code item-max-attempts} or {@code item-max-age-ms}. */
  public static final String REASON_RETRIES_EXHAUSTED = "RETRIES_EXHAUSTED";
  /** Reason: the record failed every scoring call it was in, alone too, and again as a unary call. */
  public static final String REASON_BREAKS_STREAM = "BREAKS_STREAM";
  /** Reason: its response was too large to produce, so the request is dead-lettered instead. */
  public static final String REASON_ANSWER_TOO_LARGE = "ANSWER_TOO_LARGE";

  private BridgeHeaders() {}
}
