package io.churnwire.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport of the server's public and admin ports, with TLS when configured and its
 * connection hygiene on both: server keepalive pings, the client
 * ping policy, maximum connection idle time and age, and a {@link ConnectionLimiter} per port. Owns the
 * event loops, because grpc-java requires a server that supplies its own listening channel (the only
 * place a connection bound can sit) to supply them too; {@link #close} releases them after the
 * server has stopped. Like grpc-java's own default, it uses native epoll where the platform has it
 * and NIO elsewhere.
 */
final class NettyTransport implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ConnectionLimiter connections;
  private final ConnectionLimiter adminConnections;
  private final NettyServerBuilder builder;
  private final NettyServerBuilder adminBuilder;

  private NettyTransport(ServerConfig config, Optional<ServerCredentials> credentials) {
    boolean epoll = Epoll.isAvailable();
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("churnwire-netty-accept", true),
        ioHandlers(epoll));
    this.workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("churnwire-netty-io", true),
        ioHandlers(epoll));
    this.connections = new ConnectionLimiter(config.maxConnections());
    this.adminConnections = new ConnectionLimiter(config.maxConnections());
    this.builder = configure(new InetSocketAddress(config.host(), config.port()), credentials, connections, epoll,
        config);
    this.builder.callExecutor(new ScoringCallExecutor());
    this.adminBuilder = configure(new InetSocketAddress(config.adminHost(), config.adminPort()), credentials,
        adminConnections, epoll, config);
  }

  private NettyServerBuilder configure(InetSocketAddress address, Optional<ServerCredentials> credentials,
      ConnectionLimiter limiter, boolean epoll, ServerConfig config) {
    NettyServerBuilder netty = credentials.map(tls -> NettyServerBuilder.forAddress(address, tls))
        .orElseGet(() -> NettyServerBuilder.forAddress(address))
        .channelFactory(() -> {
          ServerChannel listener = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
          listener.pipeline().addLast(limiter);
          return listener;
        })
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .maxInboundMessageSize(config.maxInboundMessageBytes())
        .maxConcurrentCallsPerConnection(config.maxConcurrentStreams())
        .keepAliveTime(config.keepAliveTimeSeconds(), TimeUnit.SECONDS)
        .keepAliveTimeout(config.keepAliveTimeoutSeconds(), TimeUnit.SECONDS)
        .permitKeepAliveTime(config.permitKeepAliveTimeSeconds(), TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(config.permitKeepAliveWithoutCalls());
    if (config.maxConnectionIdleSeconds() > 0) {
      netty.maxConnectionIdle(config.maxConnectionIdleSeconds(), TimeUnit.SECONDS);
    }
    if (config.maxConnectionAgeSeconds() > 0) {
      netty.maxConnectionAge(config.maxConnectionAgeSeconds(), TimeUnit.SECONDS)
          .maxConnectionAgeGrace(config.maxConnectionAgeGraceSeconds(), TimeUnit.SECONDS);
    }
    return netty;
  }

  private static IoHandlerFactory ioHandlers(boolean epoll) {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /**
   * A transport for {@code config}'s public and admin addresses and connection settings, speaking TLS
   * with {@code credentials} when given.
   */
  static NettyTransport of(ServerConfig config, Optional<ServerCredentials> credentials) {
    return new NettyTransport(config, credentials);
  }

  /** The public port's server builder to add services to; built once. */
  NettyServerBuilder builder() {
    return builder;
  }

  /** The admin port's server builder, on the same event loops; built once. */
  NettyServerBuilder adminBuilder() {
    return adminBuilder;
  }

  /** The bound on open connections and its counters. */
  ConnectionLimiter connections() {
    return connections;
  }

  /** Releases the event loops; call after the server has stopped. */
  @Override
  public void close() {
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    boss.terminationFuture().syncUninterruptibly();
  }
}
