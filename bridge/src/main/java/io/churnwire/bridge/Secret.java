package io.churnwire.bridge;

import io.churnwire.config.ValueType;
import java.util.Objects;

/**
 * A setting's value that must never reach a log or an error message, such as a bearer token:
 * {@link #toString()} hides it, so records holding one can be printed safely.
 *
 * @param value the secret itself
 */
public record Secret(String value) {

  /** Secrets as settings: any text, written back as it was given. */
  static final ValueType<Secret> TYPE = new ValueType<>("text", Secret::new, Secret::value);

  public Secret {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "[hidden]";
  }
}
