package io.churnwire.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads field violations back out of an error, as a client would. */
final class Errors {
  private Errors() {}

  static Map<String, String> violations(Throwable error) {
    Status status = StatusProto.fromThrowable(error);
    if (status == null) {
      throw new AssertionError("no google.rpc.Status in " + error);
    }
    return violations(status);
  }

  static Map<String, String> violations(Status status) {
    return status.getDetailsList().stream()
        .filter(any -> any.is(BadRequest.class))
        .map(any -> {
          try {
            return any.unpack(BadRequest.class);
          } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        })
        .flatMap(badRequest -> badRequest.getFieldViolationsList().stream())
        .collect(Collectors.toMap(BadRequest.FieldViolation::getField,
            BadRequest.FieldViolation::getDescription));
  }
}
