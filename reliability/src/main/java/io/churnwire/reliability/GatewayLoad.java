package io.churnwire.reliability;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Steady {@code Predict} load through Envoy, as clients behind it call: native gRPC and REST/JSON
 * on Envoy's one port, each caller pacing itself to one call per {@code period}, every outcome
 * counted. Runs from {@link #start} until {@link #close}.
 */
final class GatewayLoad implements AutoCloseable {
  private static final String REST_BODY = "{\"satisfaction_score\":1,\"tenure_in_months\":2,\"number_dependents\":0,"
      + "\"number_referrals\":0,\"total_long_distance_charges\":20.5,\"total_revenue\":180.0,"
      + "\"internet_service\":\"INTERNET_SERVICE_YES\",\"contract\":\"CONTRACT_MONTH_TO_MONTH\","
      + "\"payment_method\":\"PAYMENT_METHOD_MAILED_CHECK\"}";

  private final Tally grpc = new Tally();
  private final Tally rest = new Tally();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ManagedChannel channel;
  private final HttpClient http;
  private final ExecutorService callers;
  private final Duration hangTimeout;
  private boolean finished;

  private GatewayLoad(ManagedChannel channel, HttpClient http, int threads, Duration hangTimeout) {
    this.channel = channel;
    this.http = http;
    this.callers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("gateway-load-", 0).factory());
    this.hangTimeout = hangTimeout;
  }

  /** {@code grpcCallers} and {@code restCallers} through {@code envoy}, each one call per {@code period}. */
  static GatewayLoad start(EnvoyGateway envoy, int grpcCallers, int restCallers, Duration period,
      Duration hangTimeout) {
    GatewayLoad load = new GatewayLoad(NettyChannelBuilder.forAddress("127.0.0.1", envoy.port()).usePlaintext().build(),
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(),
        grpcCallers + restCallers, hangTimeout);
    List<PredictRequest> customers = Customers.varied(100);
    var stub = ChurnServiceGrpc.newBlockingStub(load.channel);
    for (int c = 0; c < grpcCallers; c++) {
      int offset = c;
      load.callers.execute(() -> load.paced(period, i -> {
        try {
          stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(customers.get((offset + i) % customers.size()));
          load.grpc.add("OK");
        } catch (StatusRuntimeException e) {
          load.grpc.add(e.getStatus().getCode().name(), String.valueOf(e.getStatus().getDescription()));
        }
      }));
    }
    HttpRequest restCall = HttpRequest.newBuilder(envoy.rest("/v1/customers:predict")).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(REST_BODY)).build();
    for (int c = 0; c < restCallers; c++) {
      load.callers.execute(() -> load.paced(period, i -> {
        try {
          HttpResponse<String> response = load.http.send(restCall, HttpResponse.BodyHandlers.ofString());
          load.rest.add("HTTP " + response.statusCode(), response.body());
        } catch (IOException e) {
          load.rest.add("NO ANSWER", e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    return load;
  }

  /** gRPC outcomes by status code. */
  Tally grpc() {
    return grpc;
  }

  /** REST outcomes by HTTP status ({@code NO ANSWER} when none came). */
  Tally rest() {
    return rest;
  }

  /** gRPC calls that did not end {@code OK}. */
  long grpcFailures() {
    return grpc.total() - grpc.count("OK");
  }

  /** REST calls that did not end HTTP 200. */
  long restFailures() {
    return rest.total() - rest.count("HTTP 200");
  }

  /**
   * Stops the callers once their current call ends; false when one was still waiting for an
   * answer after the hang timeout.
   */
  boolean finish() throws InterruptedException {
    if (!finished) {
      finished = true;
      stop.set(true);
      callers.shutdown();
      boolean done = callers.awaitTermination(hangTimeout.toMillis(), TimeUnit.MILLISECONDS);
      callers.shutdownNow();
      return done;
    }
    return callers.isTerminated();
  }

  /** Calls {@code call} with 0, 1, 2... once per {@code period}, never catching up in a burst after a slow call. */
  private void paced(Duration period, IntConsumer call) {
    long next = System.nanoTime();
    for (int i = 0; !stop.get(); i++) {
      call.accept(i);
      long now = System.nanoTime();
      next = Math.max(now, next + period.toNanos());
      try {
        TimeUnit.NANOSECONDS.sleep(next - now);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    finish();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    http.close();
  }
}
