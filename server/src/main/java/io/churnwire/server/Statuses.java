package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** The server's error answers, each a typed status with details a client can act on. */
final class Statuses {
  static final String DOMAIN = "churnwire.io";
  static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private Statuses() {}

  /** {@code RESOURCE_EXHAUSTED} with a {@link RetryInfo} and the gRPC retry-pushback trailer. */
  static StatusRuntimeException overloaded(ScoringExecutor executor, long pushbackMillis) {
    Status status = Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("scoring capacity exhausted (" + executor.capacity()
            + " calls in flight); retry after " + pushbackMillis + " ms")
        .addDetails(Any.pack(ErrorInfo.newBuilder()
            .setReason("SCORING_CAPACITY_EXHAUSTED")
            .setDomain(DOMAIN)
            .putMetadata("max_in_flight", Integer.toString(executor.capacity()))
            .build()))
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder()
                .setSeconds(pushbackMillis / 1000)
                .setNanos((int) (pushbackMillis % 1000) * 1_000_000))
            .build()))
        .build();
    Metadata trailers = new Metadata();
    trailers.put(RETRY_PUSHBACK_MS, Long.toString(pushbackMillis));
    return StatusProto.toStatusRuntimeException(status, trailers);
  }

  /** {@code UNAVAILABLE} while no model is loaded; clients retry. */
  static Status noModel() {
    return Status.newBuilder()
        .setCode(Code.UNAVAILABLE_VALUE)
        .setMessage("no model loaded yet; retry shortly")
        .addDetails(Any.pack(ErrorInfo.newBuilder()
            .setReason("MODEL_NOT_LOADED")
            .setDomain(DOMAIN)
            .build()))
        .build();
  }

  /** {@code INTERNAL} for a fault of the server itself; says nothing about its internals. */
  static Status internal(String requestId) {
    return Status.newBuilder()
        .setCode(Code.INTERNAL_VALUE)
        .setMessage("scoring failed inside the server; reference request id " + requestId)
        .build();
  }

  /** {@code INVALID_ARGUMENT} for a whole-request problem that is not about one feature. */
  static Status invalidField(String field, String description) {
    return new InvalidRequestException(java.util.List.of(
        com.google.rpc.BadRequest.FieldViolation.newBuilder()
            .setField(field)
            .setDescription(description)
            .build()))
        .toStatus();
  }

  /** {@code FAILED_PRECONDITION} for an insights call on a server whose history is off. */
  static Status historyOff() {
    return Status.newBuilder()
        .setCode(Code.FAILED_PRECONDITION_VALUE)
        .setMessage("prediction history is off on this server (--history=off)")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("HISTORY_OFF").setDomain(DOMAIN).build()))
        .build();
  }

  /** {@code UNAVAILABLE} while the history store does not answer; predictions are still served. */
  static Status historyUnavailable() {
    return Status.newBuilder()
        .setCode(Code.UNAVAILABLE_VALUE)
        .setMessage("the prediction history store is unavailable; retry later (predictions are still served)")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("HISTORY_UNAVAILABLE").setDomain(DOMAIN).build()))
        .build();
  }

  /** {@code RESOURCE_EXHAUSTED} when all {@code capacity} insights query places are taken. */
  static Status insightsBusy(int capacity) {
    return Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("too many prediction history queries at once (" + capacity + "); retry shortly")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INSIGHTS_CAPACITY_EXHAUSTED").setDomain(DOMAIN)
            .build()))
        .build();
  }

  static StatusRuntimeException toException(Status status) {
    return StatusProto.toStatusRuntimeException(status);
  }
}
