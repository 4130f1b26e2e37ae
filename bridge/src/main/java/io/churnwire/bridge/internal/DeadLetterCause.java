package io.churnwire.bridge.internal;

/**
 * Why a record goes to the dead-letter topic, as its headers will say.
 *
 * @param reason one of the {@code BridgeHeaders.REASON_*} values
 * @param code a gRPC status code name or one of the bridge's own {@code BridgeHeaders.CODE_*}
 * @param message the decoder's, the server's or the bridge's explanation
 * @param violations the server's field violations as {@code field: description; ...}, or empty
 * @param attempts scoring attempts made; 0 when the record was never scored
 */
public record DeadLetterCause(String reason, String code, String message, String violations, int attempts) {

  /** Replaces absent texts by empty ones, so every header has a value. */
  public DeadLetterCause {
    message = message == null ? "" : message;
    violations = violations == null ? "" : violations;
    if (reason == null || code == null || attempts < 0) {
      throw new IllegalArgumentException("a dead letter needs a reason, a code and attempts >= 0");
    }
  }
}
