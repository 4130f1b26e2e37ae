package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ScoringExecutor;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.Customers;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries against a real server whose single scoring permit the test holds, so every call is
 * answered {@code RESOURCE_EXHAUSTED} with {@code RetryInfo} and a pushback of {@value #PUSHBACK_MS}
 * ms until the test lets go. The server records when each attempt arrives.
 */
class RetryTest {
  private static final long PUSHBACK_MS = 250;
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  /** One call attempt as the server saw it. */
  private record Attempt(long arrivedNanos, Optional<String> previousAttempts) {}

  private static final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private static ServerApplication server;
  private static ScoringExecutor executor;

  @BeforeAll
  static void start() throws Exception {
    Properties properties = LiveServer.config().withScoringCapacity(1, 1).toProperties();
    properties.setProperty("churnwire.scoring.retry-pushback-ms", Long.toString(PUSHBACK_MS));
    ServerConfig config = ServerConfig.fromProperties(properties);
    server = LiveServer.start(config, new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (call.getMethodDescriptor().getBareMethodName().equals("Predict")) {
          attempts.add(new Attempt(System.nanoTime(), Optional.ofNullable(headers.get(PREVIOUS_ATTEMPTS))));
        }
        return next.startCall(call, headers);
      }
    });
    executor = server.executor();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void clear() {
    attempts.clear();
  }

  @AfterEach
  void noPermitLeftTaken() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (executor.inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, executor.inFlight(), "a test left the scoring permit taken");
  }

  private static RetrySettings quickBackoff(int maxAttempts) {
    return RetrySettings.defaults().withMaxAttempts(maxAttempts)
        .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0);
  }

  private ChurnClient client(RetrySettings retry) {
    return ChurnClient.builder(LiveServer.target(server))
        .deadline(Duration.ofSeconds(30))
        .retry(retry)
        .build();
  }

  @Test
  void predict_whileScoringIsSaturated_waitsThePushbackRetriesAndSucceeds() throws Exception {
    assertTrue(executor.tryAdmit(), "the test occupies the only scoring permit");
    long overloadedBefore = server.stats().overloaded();
    CompletableFuture<Void> releaseAfterFirstRefusal = CompletableFuture.runAsync(() -> {
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.stats().overloaded() == overloadedBefore && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        executor.release();
      }
    });

    try (ChurnClient client = client(quickBackoff(5))) {
      assertTrue(client.predict(Customers.risky()).hasPrediction());
      releaseAfterFirstRefusal.get(30, TimeUnit.SECONDS);

      assertTrue(client.retries() >= 1, "retries: " + client.retries());
      assertTrue(server.stats().overloaded() > overloadedBefore);
      assertEquals(client.retries() + 1, attempts.size(), attempts::toString);
      assertEquals(Optional.empty(), attempts.getFirst().previousAttempts());
      assertEquals(Optional.of("1"), attempts.get(1).previousAttempts());
      assertPushbackHonoured();
    }
  }

  @Test
  void predict_whenOverloadOutlastsEveryAttempt_throwsResourceExhaustedWithTheRetryDelay() {
    assertTrue(executor.tryAdmit());
    try (ChurnClient client = client(quickBackoff(3))) {
      ChurnClientException error =
          assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.code());
      assertTrue(error.isRetryable());
      assertEquals(Optional.of(Duration.ofMillis(PUSHBACK_MS)), error.retryDelay());
      assertEquals(Optional.of("SCORING_CAPACITY_EXHAUSTED"), error.reason());
      assertEquals(2, client.retries());
      assertEquals(3, attempts.size(), attempts::toString);
      assertPushbackHonoured();
    } finally {
      executor.release();
    }
  }

  @Test
  void predict_withRetriesOff_failsAfterOneAttempt() {
    assertTrue(executor.tryAdmit());
    try (ChurnClient client = client(RetrySettings.none())) {
      ChurnClientException error =
          assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.code());
      assertEquals(0, client.retries());
      assertEquals(1, attempts.size());
    } finally {
      executor.release();
    }
  }

  @Test
  void predict_withNothingListening_retriesUnavailableThenFails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ChurnClient client = ChurnClient.builder("127.0.0.1:" + closedPort)
        .deadline(Duration.ofSeconds(30))
        .retry(quickBackoff(3))
        .build()) {
      ChurnClientException error =
          assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, error.code());
      assertEquals(2, client.retries());
    }
  }

  /**
   * Each retry arrived at least the pushback after the attempt before it: a lower bound only, which
   * no slowness of the machine can break, while the configured backoff of at most 10 ms alone would
   * not come near it.
   */
  private static void assertPushbackHonoured() {
    for (int i = 1; i < attempts.size(); i++) {
      long gapMillis = TimeUnit.NANOSECONDS.toMillis(attempts.get(i).arrivedNanos() - attempts.get(i - 1).arrivedNanos());
      assertTrue(gapMillis >= PUSHBACK_MS, "attempt " + i + " came " + gapMillis + " ms after the one before");
    }
  }
}
