package io.churnwire.client;

import io.grpc.Status;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server refused a request as invalid ({@code INVALID_ARGUMENT}). It lists every bad field at
 * once, so a caller can report or fix them all rather than one per round trip.
 */
public final class InvalidRequestException extends ChurnClientException {
  private final List<FieldViolation> violations;

  InvalidRequestException(com.google.rpc.Status details, List<FieldViolation> violations, Throwable cause) {
    super(Status.Code.INVALID_ARGUMENT, details, cause);
    this.violations = List.copyOf(violations);
  }

  /** Every field violation, in the order the server listed them. */
  public List<FieldViolation> violations() {
    return violations;
  }

  /** The violations keyed by field path, for lookups such as {@code byField().get("contract")}. */
  public Map<String, String> byField() {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldViolation violation : violations) {
      byField.merge(violation.field(), violation.description(), (first, second) -> first + "; " + second);
    }
    return Collections.unmodifiableMap(byField);
  }
}
