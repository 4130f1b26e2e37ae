package io.churnwire.server;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import com.google.protobuf.Any;
import java.util.List;

/** A request that names one or more fields the server cannot accept, each with a readable reason. */
public final class InvalidRequestException extends Exception {
  private final List<BadRequest.FieldViolation> violations;

  public InvalidRequestException(List<BadRequest.FieldViolation> violations) {
    super(summary(violations), null, false, false);
    this.violations = List.copyOf(violations);
  }

  public List<BadRequest.FieldViolation> violations() {
    return violations;
  }

  /** {@code INVALID_ARGUMENT} carrying a {@link BadRequest} with every violation. */
  public Status toStatus() {
    return Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(getMessage())
        .addDetails(Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()))
        .build();
  }

  private static String summary(List<BadRequest.FieldViolation> violations) {
    StringBuilder message = new StringBuilder("invalid request: ");
    for (int i = 0; i < violations.size(); i++) {
      if (i > 0) {
        message.append("; ");
      }
      message.append(violations.get(i).getField()).append(": ")
          .append(violations.get(i).getDescription());
    }
    return message.toString();
  }
}
