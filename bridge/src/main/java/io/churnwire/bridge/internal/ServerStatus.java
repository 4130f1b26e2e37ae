package io.churnwire.bridge.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server said when a call failed, read the same way by every loop that calls it: its own
 * {@code google.rpc.Status} with details when it sent one, and the back-off it asked for.
 */
final class ServerStatus {
  private static final Logger LOG = LoggerFactory.getLogger(ServerStatus.class);

  private ServerStatus() {}

  /** The rich status of a failed call: the server's own {@code google.rpc.Status} when it sent one. */
  static Status of(Throwable error) {
    Status rich = StatusProto.fromThrowable(error);
    if (rich != null) {
      return rich;
    }
    io.grpc.Status status = io.grpc.Status.fromThrowable(error);
    return Status.newBuilder().setCode(status.getCode().value())
        .setMessage(status.getDescription() == null ? status.getCode().name() : status.getDescription())
        .build();
  }

  /**
   * Whether the server asked for a retry with a {@code RetryInfo}, as its admission control does
   * (with any delay, zero included), which sets a call it refused apart from one too large.
   */
  static boolean asksForRetry(Status error) {
    for (var detail : error.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        return true;
      }
    }
    return false;
  }

  /** The delay the server's {@code RetryInfo} asks for; zero when it gave none. */
  static Duration retryDelay(Status error) {
    for (var detail : error.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          var delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
        } catch (InvalidProtocolBufferException e) {
          LOG.debug("Unreadable RetryInfo", e);
        }
      }
    }
    return Duration.ZERO;
  }
}
