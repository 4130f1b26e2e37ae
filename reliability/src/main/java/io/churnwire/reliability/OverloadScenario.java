package io.churnwire.reliability;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 2: four times as many callers as the server admits, over gRPC and REST, on a server
 * with one scoring thread and a small {@code --max-in-flight}. Expected: refusals only as
 * {@code RESOURCE_EXHAUSTED} / HTTP 429, and a call accepted again within 1 s of the load stopping;
 * the accepted calls' p99 is reported.
 */
final class OverloadScenario implements Scenario {
  static final int MAX_IN_FLIGHT = 2;
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(1);

  /** Explanations make each call cost the scoring thread real time, so the permits run out. */
  private static final PredictRequest COSTLY = Customers.risky().toBuilder().setExplain(true).build();

  @Override
  public int number() {
    return 2;
  }

  @Override
  public String name() {
    return "overload at 4x";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), workspace.demoRegistry(),
        workspace.log("overload-server"), List.of("--max-in-flight=" + MAX_IN_FLIGHT, "--scoring-threads=1"));
        EnvoyGateway envoy = EnvoyGateway.start(workspace.checkout(), server.port(), workspace.log("overload-envoy"))) {
      int grpcCallers = 3 * MAX_IN_FLIGHT;
      int restCallers = MAX_IN_FLIGHT;
      Tally grpc = new Tally();
      Tally rest = new Tally();
      Latencies accepted = new Latencies();
      Latencies restAccepted = new Latencies();
      AtomicBoolean stop = new AtomicBoolean();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      String body = "{\"satisfaction_score\":1,\"tenure_in_months\":2,\"number_dependents\":0,"
          + "\"number_referrals\":0,\"total_long_distance_charges\":20.5,\"total_revenue\":180.0,"
          + "\"internet_service\":\"INTERNET_SERVICE_YES\",\"contract\":\"CONTRACT_MONTH_TO_MONTH\","
          + "\"payment_method\":\"PAYMENT_METHOD_MAILED_CHECK\",\"explain\":true}";
      HttpRequest restCall = HttpRequest.newBuilder(envoy.rest("/v1/customers:predict")).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();

      ExecutorService callers = Executors.newFixedThreadPool(grpcCallers + restCallers);
      var stub = ChurnServiceGrpc.newBlockingStub(server.channel());
      for (int i = 0; i < grpcCallers; i++) {
        callers.execute(() -> {
          while (!stop.get()) {
            long begin = System.nanoTime();
            try {
              stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(COSTLY);
              accepted.record(System.nanoTime() - begin);
              grpc.add("OK");
            } catch (StatusRuntimeException e) {
              grpc.add(e.getStatus().getCode().name(), String.valueOf(e.getStatus().getDescription()));
              pause();
            }
          }
        });
      }
      for (int i = 0; i < restCallers; i++) {
        callers.execute(() -> {
          while (!stop.get()) {
            long begin = System.nanoTime();
            try {
              HttpResponse<String> response = http.send(restCall, HttpResponse.BodyHandlers.ofString());
              rest.add("HTTP " + response.statusCode(), response.body());
              if (response.statusCode() == 200) {
                restAccepted.record(System.nanoTime() - begin);
              } else {
                pause();
              }
            } catch (java.io.IOException e) {
              rest.add("NO ANSWER", e.toString());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });
      }
      Thread.sleep(scale.overload().toMillis());
      stop.set(true);
      long stoppedAt = System.nanoTime();
      Duration recovery = recovery(server, stoppedAt, scale.hangTimeout());
      callers.shutdown();
      boolean callersDone = callers.awaitTermination(scale.hangTimeout().toSeconds(), TimeUnit.SECONDS);
      callers.shutdownNow();
      http.close();

      long refused = grpc.count("RESOURCE_EXHAUSTED") + rest.count("HTTP 429");
      figures.add(new Figure("callers", grpcCallers + " gRPC + " + restCallers + " REST at --max-in-flight="
          + MAX_IN_FLIGHT + " --scoring-threads=1, for " + scale.overload().toSeconds() + " s"));
      figures.add(new Figure("gRPC outcomes", grpc.line()));
      figures.add(new Figure("REST outcomes", rest.line()));
      figures.add(Figure.of("accepted gRPC p50", accepted.percentileMillis(0.50), "ms"));
      figures.add(Figure.of("accepted gRPC p99", accepted.percentileMillis(0.99), "ms"));
      figures.add(Figure.of("accepted REST p99", restAccepted.percentileMillis(0.99), "ms"));
      figures.add(Figure.of("recovery after the load stopped", recovery.toNanos() / 1e6, "ms"));

      grpc.snapshot().forEach((code, count) -> {
        if (!code.equals("OK") && !code.equals("RESOURCE_EXHAUSTED")) {
          violations.add(count + " gRPC calls failed with " + code + ", e.g. " + grpc.examples(code));
        }
      });
      rest.snapshot().forEach((code, count) -> {
        if (!code.equals("HTTP 200") && !code.equals("HTTP 429")) {
          violations.add(count + " REST calls failed with " + code + ", e.g. " + rest.examples(code));
        }
      });
      if (refused == 0) {
        violations.add("nothing was refused: the load never exceeded capacity, so overload was not tested");
      }
      if (accepted.count() == 0) {
        violations.add("no gRPC call was accepted under overload");
      }
      if (recovery.compareTo(RECOVERY_BOUND) > 0) {
        violations.add("a call was accepted again only after " + recovery.toMillis() + " ms (bound "
            + RECOVERY_BOUND.toMillis() + " ms)");
      }
      if (!callersDone) {
        violations.add("callers were still waiting for answers " + scale.hangTimeout() + " after the load stopped");
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Time from the load stopping until a plain {@code Predict} is accepted, probing every 5 ms. */
  private static Duration recovery(ServerProcess server, long stoppedAt, Duration timeout) throws InterruptedException {
    var stub = ChurnServiceGrpc.newBlockingStub(server.channel());
    long deadline = stoppedAt + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(Customers.risky());
        return Duration.ofNanos(System.nanoTime() - stoppedAt);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
          return timeout.plusSeconds(1);
        }
        Thread.sleep(5);
      }
    }
    return timeout.plusSeconds(1);
  }

  /** A refused caller comes back at once but for a millisecond, so the load stays at 4x. */
  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
