package io.churnwire.server;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Bounds the client connections open at once, which grpc-java does not: it limits calls per
 * connection but not connections, so a client that leaks channels could exhaust memory and file
 * descriptors. Sits on the listening channel, before the server's acceptor, and closes each accepted
 * socket beyond the bound before any HTTP/2 state exists for it; the client sees the connection
 * closed ({@code UNAVAILABLE}) and retries later. Refusals are logged at most once a minute, with
 * how many there were.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog refusals =
      new RateLimitedLog(LoggerFactory.getLogger(ConnectionLimiter.class), Level.WARN, 1, TimeUnit.MINUTES);

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /** Admits at most {@code maxConnections} connections at once. */
  ConnectionLimiter(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
    }
    this.maxConnections = maxConnections;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel connection) {
      if (open.incrementAndGet() > maxConnections) {
        open.decrementAndGet();
        refuse(connection);
        return;
      }
      accepted.incrementAndGet();
      connection.closeFuture().addListener(closed -> open.decrementAndGet());
    }
    ctx.fireChannelRead(msg);
  }

  private void refuse(Channel connection) {
    refused.incrementAndGet();
    connection.unsafe().closeForcibly();
    refusals.log("refused a connection from {}: {} connections are open, the limit (--max-connections)",
        connection.remoteAddress(), maxConnections);
  }

  /** Connections open now. */
  int open() {
    return open.get();
  }

  /** Connections admitted since start. */
  long accepted() {
    return accepted.get();
  }

  /** Connections closed at once because the limit was reached, since start. */
  long refused() {
    return refused.get();
  }
}
