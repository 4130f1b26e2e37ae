package io.churnwire.server;

import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Turns grpc-java's transport warnings about a client's own faults into one rate-limited line.
 *
 * <p>The Netty transport refuses a message larger than {@code --max-inbound-message-bytes} or a
 * broken gRPC frame itself, answering the call {@code RESOURCE_EXHAUSTED} or {@code INTERNAL}
 * before any service sees it, and then logs a full stack trace through {@code java.util.logging}
 * for every such call: a client could flood the log at will. This filter drops those records and
 * writes one line per interval naming the reason and how many were suppressed; the client's answer
 * is unchanged.
 */
final class TransportLog {
  private static final Logger NETTY_SERVER_STREAM =
      Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
  private static final RateLimitedLog refused =
      new RateLimitedLog(LoggerFactory.getLogger(TransportLog.class), Level.WARN, 10, TimeUnit.SECONDS);

  private TransportLog() {}

  /** Installs the filter; idempotent. The logger is held here so its filter outlives garbage collection. */
  static void install() {
    NETTY_SERVER_STREAM.setFilter(TransportLog::keep);
  }

  private static boolean keep(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null) {
      return true;
    }
    refused.log("refused a client message in the transport: {}", SafeLog.value(
        String.valueOf(thrown.getMessage()), SafeLog.MAX_MESSAGE_CHARS));
    return false;
  }
}
