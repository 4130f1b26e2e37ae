package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many {@code PredictBatch} streams over real Netty competing for one or two permits, some of
 * them leaving mid-way: no wake-up is lost to a stream that left, no two streams deadlock, and
 * every stream that stays is answered in full.
 */
class StreamSchedulingTest {
  private static final int STREAMS = 64;
  private static final int ITEMS = 20;

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

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {1, 2})
  void predictBatch_manyStreamsAtTinyCapacityWithCancellations_everyRemainingStreamCompletes(int capacity)
      throws Exception {
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withModelDir(Path.of("unused"))
        .withScoringCapacity(capacity, capacity).withStreamWindow(4);
    application = ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    Random random = new Random(capacity);
    List<Client> clients = new ArrayList<>();

    for (int s = 0; s < STREAMS; s++) {
      int cancelAfter = random.nextInt(4) == 0 ? random.nextInt(ITEMS / 2) : -1;
      Client client = new Client("s" + s, cancelAfter);
      clients.add(client);
      ChurnServiceGrpc.newStub(channel).predictBatch(client);
    }

    for (Client client : clients) {
      assertTrue(client.done.await(120, TimeUnit.SECONDS), client.name + " never ended; "
          + client.answers.size() + " answers, threads deadlocked: " + deadlocked());
      if (client.cancelAfter < 0) {
        assertNull(client.error.get(), client.name);
        assertEquals(ITEMS, client.answers.size(), client.name);
        assertTrue(client.answers.stream().allMatch(PredictBatchResponse::hasResponse), client.name);
      }
    }
    assertTrue(clients.stream().anyMatch(client -> client.cancelAfter >= 0), "some streams left");
    awaitIdle(application.executor());
    assertEquals(0, application.executor().inFlight());
    assertEquals(0, application.executor().waiting());
    assertNull(deadlocked());
  }

  private static void awaitIdle(ScoringExecutor executor) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((executor.inFlight() > 0 || executor.waiting() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static String deadlocked() {
    long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
    return ids == null ? null : java.util.Arrays.toString(ids);
  }

  /** Sends {@link #ITEMS} items while the transport allows; leaves after {@code cancelAfter} answers if set. */
  private static final class Client implements ClientResponseObserver<PredictBatchRequest, PredictBatchResponse> {
    final String name;
    final int cancelAfter;
    final List<PredictBatchResponse> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger sent = new AtomicInteger();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private ClientCallStreamObserver<PredictBatchRequest> stream;
    private boolean halfClosed;

    Client(String name, int cancelAfter) {
      this.name = name;
      this.cancelAfter = cancelAfter;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PredictBatchRequest> requestStream) {
      stream = requestStream;
      requestStream.setOnReadyHandler(this::sendWhileReady);
    }

    private synchronized void sendWhileReady() {
      while (!halfClosed && stream.isReady() && sent.get() < ITEMS) {
        int i = sent.getAndIncrement();
        stream.onNext(PredictBatchRequest.newBuilder()
            .setItemId(name + "-" + i)
            .setRequest(Customers.risky().toBuilder().setExplain(i % 5 == 0))
            .build());
      }
      if (sent.get() == ITEMS && !halfClosed) {
        halfClosed = true;
        stream.onCompleted();
      }
      if (cancelAfter == 0 && !halfClosed) {
        leave();
      }
    }

    @Override
    public void onNext(PredictBatchResponse answer) {
      assertTrue(seen.add(answer.getItemId()), "answered twice: " + answer.getItemId());
      answers.add(answer);
      if (cancelAfter > 0 && answers.size() == cancelAfter) {
        leave();
      }
    }

    private void leave() {
      stream.cancel("the client leaves", null);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      done.countDown();
    }

    @Override
    public void onCompleted() {
      done.countDown();
    }
  }
}
