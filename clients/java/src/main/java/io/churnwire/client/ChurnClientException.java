package io.churnwire.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A call to the server that failed, with the details the server packed into its
 * {@code google.rpc.Status} already unpacked: the reason ({@code ErrorInfo}) and, for overload, the
 * delay it asked for ({@code RetryInfo}). Unchecked, like grpc-java's own
 * {@link io.grpc.StatusRuntimeException}, which is kept as the cause when there is one.
 *
 * <p>{@code INVALID_ARGUMENT} answers are the subclass {@link InvalidRequestException}, so callers
 * can catch bad input apart from everything else.
 */
public class ChurnClientException extends RuntimeException {
  private final Status.Code code;
  private final com.google.rpc.Status details;

  ChurnClientException(Status.Code code, com.google.rpc.Status details, Throwable cause) {
    super(code + ": " + details.getMessage(), cause);
    this.code = code;
    this.details = details;
  }

  /** Wraps what a gRPC call threw; details come from {@code grpc-status-details-bin} when present. */
  public static ChurnClientException from(Throwable error) {
    if (error instanceof ChurnClientException already) {
      return already;
    }
    Status status = Status.fromThrowable(error);
    com.google.rpc.Status details = StatusProto.fromThrowable(error);
    if (details == null) {
      details = com.google.rpc.Status.newBuilder()
          .setCode(status.getCode().value())
          .setMessage(status.getDescription() == null ? "" : status.getDescription())
          .build();
    }
    return of(status.getCode(), details, error);
  }

  /** Turns the status of one failed {@code PredictBatch} item into the same typed error. */
  public static ChurnClientException fromStatus(com.google.rpc.Status details) {
    return of(Status.fromCodeValue(details.getCode()).getCode(), details, null);
  }

  private static ChurnClientException of(Status.Code code, com.google.rpc.Status details, Throwable cause) {
    if (code == Status.Code.INVALID_ARGUMENT) {
      List<FieldViolation> violations = unpackAll(details, BadRequest.class).stream()
          .flatMap(badRequest -> badRequest.getFieldViolationsList().stream())
          .map(FieldViolation::of)
          .toList();
      return new InvalidRequestException(details, violations, cause);
    }
    return new ChurnClientException(code, details, cause);
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The full status as the server sent it, details included. */
  public com.google.rpc.Status details() {
    return details;
  }

  /** The {@code ErrorInfo} reason, e.g. {@code SCORING_CAPACITY_EXHAUSTED} or {@code MODEL_NOT_LOADED}. */
  public Optional<String> reason() {
    return unpackAll(details, ErrorInfo.class).stream().map(ErrorInfo::getReason).findFirst();
  }

  /** How long the server asked callers to wait before trying again ({@code RetryInfo}). */
  public Optional<Duration> retryDelay() {
    return unpackAll(details, RetryInfo.class).stream()
        .map(info -> Duration.ofSeconds(info.getRetryDelay().getSeconds(), info.getRetryDelay().getNanos()))
        .findFirst();
  }

  /** Whether trying the same call again later may succeed: overload or a server not yet serving. */
  public boolean isRetryable() {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED;
  }

  private static <T extends Message> List<T> unpackAll(com.google.rpc.Status status, Class<T> type) {
    return status.getDetailsList().stream()
        .filter(any -> any.is(type))
        .map(any -> unpack(any, type))
        .toList();
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("server sent a malformed " + type.getSimpleName(), e);
    }
  }
}
