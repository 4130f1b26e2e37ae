package io.churnwire.server;

import io.churnwire.history.HistoryConfig;
import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The full server application on the in-process transport, with a channel to its public and admin servers. */
final class InProcessChurnwire implements AutoCloseable {
  final ServerApplication application;
  final ManagedChannel channel;
  final ManagedChannel adminChannel;

  private InProcessChurnwire(ServerApplication application, ManagedChannel channel, ManagedChannel adminChannel) {
    this.application = application;
    this.channel = channel;
    this.adminChannel = adminChannel;
  }

  static ServerConfig config() {
    return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withModelDir(Path.of("unused"))
        .withHistory(HistoryConfig.off());
  }

  static InProcessChurnwire start(ServerConfig config) throws IOException {
    String name = InProcessServerBuilder.generateName();
    String adminName = InProcessServerBuilder.generateName();
    ServerApplication application = ServerApplication.start(config,
        InProcessServerBuilder.forName(name).directExecutor(),
        InProcessServerBuilder.forName(adminName).directExecutor(), TestModels::small);
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    ManagedChannel adminChannel = InProcessChannelBuilder.forName(adminName).directExecutor().build();
    return new InProcessChurnwire(application, channel, adminChannel);
  }

  ChurnServiceGrpc.ChurnServiceBlockingStub blocking() {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  ChurnServiceGrpc.ChurnServiceStub async() {
    return ChurnServiceGrpc.newStub(channel);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    application.close();
  }
}
