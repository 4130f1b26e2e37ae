package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server on real Netty over localhost: health, reflection, drain. */
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
    return ServerConfig.defaults().withHost("127.0.0.1").withPort(port).withModelDir(java.nio.file.Path.of("unused"));
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
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")), services::toString);
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
