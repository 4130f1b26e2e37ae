package io.churnwire.client;

import com.google.rpc.BadRequest;
import java.util.Objects;

/**
 * One field the server refused and why, as listed by the {@code google.rpc.BadRequest} of an
 * {@code INVALID_ARGUMENT} answer. A plain value so callers need not touch the packed proto.
 *
 * @param field       path of the field in the request, e.g. {@code contract} or, for batch items,
 *                    {@code request.contract}
 * @param description readable reason, e.g. "must be given"
 */
public record FieldViolation(String field, String description) {
  public FieldViolation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(description, "description");
  }

  static FieldViolation of(BadRequest.FieldViolation proto) {
    return new FieldViolation(proto.getField(), proto.getDescription());
  }

  @Override
  public String toString() {
    return field + ": " + description;
  }
}
