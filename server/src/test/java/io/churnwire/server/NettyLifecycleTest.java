package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Frame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2PingFrame;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server on real Netty over localhost: health, reflection, drain, connection hygiene. */
class NettyLifecycleTest {
  private ServerApplication application;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private ServerConfig config(int port) {
    return ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(port).withAdminAddress("127.0.0.1", 0)
        .withModelDir(java.nio.file.Path.of("unused"));
  }

  private ServerApplication startOnNetty(int port, ServerApplication.ModelLoader loader) throws IOException {
    ServerConfig config = config(port);
    return ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)), loader);
  }

  private ManagedChannel connect(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @Test
  void health_isNotServingUntilTheModelLoads_thenServing() throws Exception {
    int port = freePort();
    CountDownLatch modelReady = new CountDownLatch(1);
    CompletableFuture<ServerApplication> starting = CompletableFuture.supplyAsync(() -> {
      try {
        return startOnNetty(port, () -> {
          try {
            modelReady.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("interrupted while waiting for the model");
          }
          return TestModels.small();
        });
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    channel = connect(port);
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withWaitForReady();

    ServingStatus beforeLoad = health.withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ServiceNames.CHURN_SERVICE).build()).getStatus();
    StatusRuntimeException early = assertThrows(StatusRuntimeException.class,
        () -> ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky()));
    modelReady.countDown();
    application = starting.get(30, TimeUnit.SECONDS);

    assertEquals(ServingStatus.NOT_SERVING, beforeLoad);
    assertEquals(Status.Code.UNAVAILABLE, early.getStatus().getCode());
    assertEquals(ServingStatus.SERVING,
        health.check(HealthCheckRequest.newBuilder().setService(ServiceNames.CHURN_SERVICE).build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertTrue(ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky()).hasPrediction());
  }

  @Test
  void reflection_listsChurnServiceHealthAndReflection() throws Exception {
    application = startOnNetty(0, TestModels::small);
    channel = connect(application.port());
    BlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new Collector<>(responses));

    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = responses.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();

    List<String> services = response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).toList();
    assertTrue(services.containsAll(List.of("churnwire.v1.ChurnService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
        ServiceNames.INSIGHTS_SERVICE, ServiceNames.MONITORING_SERVICE)), services::toString);
  }

  @Test
  void close_letsAnInFlightStreamFinishAndReportsNotServingFirst() throws Exception {
    application = startOnNetty(0, TestModels::small);
    channel = connect(application.port());
    BlockingQueue<HealthCheckResponse> healthUpdates = new LinkedBlockingQueue<>();
    Collector<HealthCheckResponse> watch = new Collector<>(healthUpdates);
    HealthGrpc.newStub(channel).watch(
        HealthCheckRequest.newBuilder().setService(ServiceNames.CHURN_SERVICE).build(), watch);
    assertEquals(ServingStatus.SERVING, healthUpdates.poll(10, TimeUnit.SECONDS).getStatus());
    BlockingQueue<PredictBatchResponse> answers = new LinkedBlockingQueue<>();
    Collector<PredictBatchResponse> streamResult = new Collector<>(answers);
    StreamObserver<PredictBatchRequest> stream = ChurnServiceGrpc.newStub(channel).predictBatch(streamResult);
    stream.onNext(PredictBatchRequest.newBuilder().setItemId("before").setRequest(Customers.risky()).build());
    assertEquals("before", answers.poll(10, TimeUnit.SECONDS).getItemId());

    CompletableFuture<Void> closing = CompletableFuture.runAsync(application::close);
    assertEquals(ServingStatus.NOT_SERVING, healthUpdates.poll(10, TimeUnit.SECONDS).getStatus());
    watch.cancel();
    stream.onNext(PredictBatchRequest.newBuilder().setItemId("during").setRequest(Customers.loyal()).build());
    PredictBatchResponse during = answers.poll(10, TimeUnit.SECONDS);
    stream.onCompleted();

    assertEquals("during", during.getItemId());
    assertTrue(during.hasResponse());
    assertTrue(streamResult.completed.await(10, TimeUnit.SECONDS));
    assertNull(streamResult.error.get());
    closing.get(30, TimeUnit.SECONDS);
    StatusRuntimeException afterClose = assertThrows(StatusRuntimeException.class,
        () -> ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .predict(Customers.risky()));
    assertEquals(Status.Code.UNAVAILABLE, afterClose.getStatus().getCode());
  }

  @Test
  void start_whenTheModelCannotBeLoaded_failsAndReleasesThePort() throws Exception {
    int port = freePort();
    ChurnModel model = TestModels.small();

    IOException error = assertThrows(IOException.class, () -> startOnNetty(port, () -> {
      throw new IOException("model directory holds a corrupt model");
    }));

    assertTrue(error.getMessage().contains("corrupt"));
    application = startOnNetty(port, () -> model);
    assertEquals(port, application.port());
  }

  private ConnectionLimiter connections() {
    return application.connections().orElseThrow();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static ChurnServiceGrpc.ChurnServiceBlockingStub churn(ManagedChannel channel) {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void maxConnections_refusesTheConnectionBeyondTheBound_andKeepsServingTheOthers() throws Exception {
    application = ServerApplication.startOnNetty(config(0).withMaxConnections(1), TestModels::small);
    channel = connect(application.port());
    assertTrue(churn(channel).predict(Customers.risky()).hasPrediction());
    ManagedChannel second = connect(application.port());
    try {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> churn(second).predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      assertTrue(connections().refused() >= 1);
      assertEquals(1, connections().open());
      assertTrue(churn(channel).predict(Customers.loyal()).hasPrediction(), "the admitted client is still served");
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      await(() -> connections().open() == 0, "the first connection to close");
      assertTrue(churn(second).withWaitForReady().predict(Customers.loyal()).hasPrediction(),
          "a freed slot admits the next client");
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void maxConnectionAge_sendsGoAwayLettingTheOpenStreamFinish_andTheClientReconnects() throws Exception {
    application = ServerApplication.startOnNetty(config(0).withMaxConnectionAge(1, 30), TestModels::small);
    channel = connect(application.port());
    BlockingQueue<PredictBatchResponse> answers = new LinkedBlockingQueue<>();
    Collector<PredictBatchResponse> streamResult = new Collector<>(answers);
    StreamObserver<PredictBatchRequest> stream = ChurnServiceGrpc.newStub(channel).predictBatch(streamResult);
    stream.onNext(PredictBatchRequest.newBuilder().setItemId("before").setRequest(Customers.risky()).build());
    assertEquals("before", answers.poll(20, TimeUnit.SECONDS).getItemId());

    await(() -> {
      assertTrue(churn(channel).predict(Customers.loyal()).hasPrediction());
      return connections().accepted() >= 2;
    }, "the aged connection's GOAWAY and the client's new connection");
    stream.onNext(PredictBatchRequest.newBuilder().setItemId("after").setRequest(Customers.loyal()).build());
    PredictBatchResponse after = answers.poll(20, TimeUnit.SECONDS);
    stream.onCompleted();

    assertEquals("after", after.getItemId());
    assertTrue(after.hasResponse(), "the stream open at GOAWAY is still served within the grace period");
    assertTrue(streamResult.completed.await(20, TimeUnit.SECONDS));
    assertNull(streamResult.error.get());
  }

  @Test
  void clientPingingFasterThanPermitted_getsGoAwayEnhanceYourCalm_andTheServerKeepsServing() throws Exception {
    application = ServerApplication.startOnNetty(config(0), TestModels::small);

    List<String> frames;
    try (Http2Peer peer = Http2Peer.connect(application.port())) {
      for (int i = 1; i <= 4; i++) {
        peer.ping(i);
      }
      frames = peer.awaitGoAway();
    }

    assertTrue(frames.contains("GOAWAY " + Http2Error.ENHANCE_YOUR_CALM.code() + " too_many_pings"), frames::toString);
    channel = connect(application.port());
    assertTrue(churn(channel).predict(Customers.risky()).hasPrediction());
  }

  @Test
  void pingsWithoutCalls_permittedBySettings_areAnsweredAndTheConnectionStays() throws Exception {
    application = ServerApplication.startOnNetty(config(0).withPermittedKeepAlive(0, true), TestModels::small);

    try (Http2Peer peer = Http2Peer.connect(application.port())) {
      for (int i = 1; i <= 5; i++) {
        peer.ping(i);
      }

      for (int i = 1; i <= 5; i++) {
        assertEquals("PING_ACK " + i, peer.nextPingAckOrGoAway());
      }
    }
  }

  /** A bare HTTP/2 client, to send what no gRPC client sends: pings in quick succession. */
  private static final class Http2Peer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> frames;

    private Http2Peer(EventLoopGroup group, Channel channel, BlockingQueue<String> frames) {
      this.group = group;
      this.channel = channel;
      this.frames = frames;
    }

    static Http2Peer connect(int port) throws InterruptedException {
      BlockingQueue<String> frames = new LinkedBlockingQueue<>();
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                  new SimpleChannelInboundHandler<Http2Frame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2Frame frame) {
                      if (frame instanceof Http2PingFrame ping && ping.ack()) {
                        frames.add("PING_ACK " + ping.content());
                      } else if (frame instanceof Http2GoAwayFrame goAway) {
                        frames.add("GOAWAY " + goAway.errorCode() + " "
                            + goAway.content().toString(StandardCharsets.US_ASCII));
                      }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                      frames.add("CLOSED");
                    }
                  });
            }
          })
          .connect("127.0.0.1", port).sync().channel();
      return new Http2Peer(group, channel, frames);
    }

    void ping(long content) {
      channel.writeAndFlush(new DefaultHttp2PingFrame(content));
    }

    /** Every frame noted until the GOAWAY or the end of the connection. */
    List<String> awaitGoAway() throws InterruptedException {
      List<String> seen = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        String frame = frames.poll(100, TimeUnit.MILLISECONDS);
        if (frame != null) {
          seen.add(frame);
          if (frame.startsWith("GOAWAY") || frame.equals("CLOSED")) {
            return seen;
          }
        }
      }
      return seen;
    }

    String nextPingAckOrGoAway() throws InterruptedException {
      String frame = frames.poll(30, TimeUnit.SECONDS);
      return frame == null ? "nothing" : frame;
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Collects a server stream into a queue; can cancel the call as a client that leaves would. */
  private static final class Collector<T> implements ClientResponseObserver<Object, T> {
    final BlockingQueue<T> items;
    private ClientCallStreamObserver<Object> call;
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch completed = new CountDownLatch(1);

    Collector(BlockingQueue<T> items) {
      this.items = items;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
      this.call = requestStream;
    }

    void cancel() {
      call.cancel("client saw NOT_SERVING and leaves", null);
    }

    @Override
    public void onNext(T value) {
      items.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      completed.countDown();
    }

    @Override
    public void onCompleted() {
      completed.countDown();
    }
  }
}
