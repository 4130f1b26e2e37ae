package io.churnwire.reliability;

import com.google.protobuf.InvalidProtocolBufferException;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.churnwire.v1.PredictBatchResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 1: hostile calls to every method, as raw bytes over gRPC and as REST through Envoy.
 * Expected: no {@code UNKNOWN} or {@code INTERNAL} (no HTTP 5xx), the server still serving, and a
 * server log that grows by a bounded amount per hostile call with no stack trace in it.
 */
final class FuzzScenario implements Scenario {
  /** Log growth allowed per hostile call, on average: well under one line per call. */
  static final double MAX_LOG_BYTES_PER_CALL = 64;

  private static final int GRPC_CONCURRENCY = 32;
  private static final int REST_CONCURRENCY = 8;
  private static final long SEED = 20_260_101L;

  @Override
  public int number() {
    return 1;
  }

  @Override
  public String name() {
    return "fuzzed calls";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    // Access lines are one per call by design; the bound is on everything else the server writes.
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), workspace.demoRegistry(),
        workspace.log("fuzz-server"), List.of("--access-log=false"));
        EnvoyGateway envoy = EnvoyGateway.start(workspace.checkout(), server.port(), workspace.log("fuzz-envoy"))) {
      long logBefore = server.logBytes();
      Tally calls = new Tally();
      Tally items = new Tally();
      fuzzGrpc(server.channel(), server.adminChannel(), scale.grpcFuzzCalls(), scale.hangTimeout(), calls, items);
      Tally rest = new Tally();
      fuzzRest(envoy, scale.restFuzzCalls(), scale.hangTimeout(), rest);
      long logBytes = server.logBytes() - logBefore;
      long traces = server.stackTracesSince(logBefore);
      boolean serving = server.serving();
      boolean predicts = server.predicts();

      long hostile = calls.total() + rest.total();
      double bytesPerCall = hostile == 0 ? 0 : (double) logBytes / hostile;
      figures.add(Figure.of("gRPC hostile calls", calls.total()));
      figures.add(new Figure("gRPC call status codes", calls.line()));
      figures.add(new Figure("gRPC item status codes (batch answers)", items.line()));
      figures.add(Figure.of("REST hostile calls", rest.total()));
      figures.add(new Figure("REST HTTP statuses", rest.line()));
      figures.add(Figure.of("server log bytes per hostile call", bytesPerCall, "B"));
      figures.add(Figure.of("stack traces in server log", traces));
      figures.add(new Figure("after: health SERVING / valid Predict answered", serving + " / " + predicts));

      for (String code : List.of("UNKNOWN", "INTERNAL")) {
        if (calls.count(code) > 0) {
          violations.add(calls.count(code) + " calls answered " + code + ", e.g. " + calls.examples(code));
        }
        if (items.count(code) > 0) {
          violations.add(items.count(code) + " batch items answered " + code + ", e.g. " + items.examples(code));
        }
      }
      rest.snapshot().forEach((status, count) -> {
        if (status.startsWith("HTTP 5")) {
          violations.add(count + " REST calls answered " + status + ", e.g. " + rest.examples(status));
        }
      });
      if (calls.count("NO ANSWER") > 0 || rest.count("NO ANSWER") > 0) {
        violations.add("calls left unanswered within the timeout: gRPC " + calls.count("NO ANSWER")
            + ", REST " + rest.count("NO ANSWER"));
      }
      if (!serving || !predicts || !server.alive()) {
        violations.add("the server is not serving after the fuzzing (health SERVING " + serving
            + ", valid Predict answered " + predicts + ", process alive " + server.alive() + ")");
      }
      if (bytesPerCall > MAX_LOG_BYTES_PER_CALL) {
        violations.add(String.format("the server logged %.0f bytes per hostile call (bound %.0f)",
            bytesPerCall, MAX_LOG_BYTES_PER_CALL));
      }
      if (traces > 0) {
        violations.add(traces + " stack traces in the server log");
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Hostile calls to every method; {@code ModelAdminService}'s go to the admin port, where it is served. */
  private static void fuzzGrpc(ManagedChannel publicChannel, ManagedChannel adminChannel, int count, Duration timeout,
      Tally calls, Tally items) throws InterruptedException {
    HostilePayloads payloads = new HostilePayloads(SEED, 64 * 1024);
    Random pick = new Random(SEED + 1);
    Semaphore outstanding = new Semaphore(GRPC_CONCURRENCY);
    for (int i = 0; i < count; i++) {
      MethodDescriptor<byte[], byte[]> method = RawMethods.ALL.get(pick.nextInt(RawMethods.ALL.size()));
      ManagedChannel channel = ModelAdminServiceGrpc.SERVICE_NAME.equals(method.getServiceName()) ? adminChannel
          : publicChannel;
      HostilePayloads.Kind kind = payloads.kind();
      if (!outstanding.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        break;
      }
      String label = method.getBareMethodName() + "/" + kind;
      StreamObserver<byte[]> answers = new Outcome(method, label, calls, items, outstanding);
      CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
      if (method == RawMethods.PREDICT_BATCH) {
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(method, options), answers);
        for (int n = 1 + pick.nextInt(3); n > 0; n--) {
          requests.onNext(payloads.batchItem(kind));
        }
        requests.onCompleted();
      } else {
        ClientCalls.asyncUnaryCall(channel.newCall(method, options), payload(payloads, method, kind), answers);
      }
    }
    if (!outstanding.tryAcquire(GRPC_CONCURRENCY, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      for (int i = outstanding.availablePermits(); i < GRPC_CONCURRENCY; i++) {
        calls.add("NO ANSWER");
      }
    }
  }

  private static byte[] payload(HostilePayloads payloads, MethodDescriptor<byte[], byte[]> method,
      HostilePayloads.Kind kind) {
    if (method == RawMethods.PREDICT) {
      return payloads.predictRequest(kind);
    } else if (method == RawMethods.BATCH_PREDICT) {
      return payloads.batchPredictRequest(kind);
    } else if (method == RawMethods.RELOAD_MODEL) {
      return payloads.reloadModelRequest(kind);
    }
    return payloads.emptyRequest(kind);
  }

  /** Counts a call's final status, and the per-item codes of batch answers. */
  private record Outcome(MethodDescriptor<byte[], byte[]> method, String label, Tally calls, Tally items,
      Semaphore outstanding) implements StreamObserver<byte[]> {
    @Override
    public void onNext(byte[] answer) {
      try {
        if (method == RawMethods.PREDICT_BATCH) {
          count(PredictBatchResponse.parseFrom(answer));
        } else if (method == RawMethods.BATCH_PREDICT) {
          BatchPredictResponse.parseFrom(answer).getResultsList().forEach(this::count);
        }
      } catch (InvalidProtocolBufferException e) {
        items.add("UNPARSEABLE ANSWER", label);
      }
    }

    private void count(PredictBatchResponse item) {
      if (item.hasError()) {
        String code = Status.fromCodeValue(item.getError().getCode()).getCode().name();
        items.add(code, label + ": " + item.getError().getMessage());
      }
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      calls.add(status.getCode().name(), label + ": " + status.getDescription());
      outstanding.release();
    }

    @Override
    public void onCompleted() {
      calls.add("OK");
      outstanding.release();
    }
  }

  private static void fuzzRest(EnvoyGateway envoy, int count, Duration timeout, Tally rest)
      throws InterruptedException {
    HostileRestRequests requests = new HostileRestRequests(SEED + 2, envoy::rest);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Semaphore outstanding = new Semaphore(REST_CONCURRENCY);
    for (int i = 0; i < count; i++) {
      if (!outstanding.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        break;
      }
      var request = requests.next();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        if (error != null) {
          rest.add("NO ANSWER", request.uri().getPath() + ": " + error);
        } else {
          rest.add("HTTP " + response.statusCode(), request.method() + " " + request.uri().getPath() + ": "
              + response.body());
        }
        outstanding.release();
      });
    }
    if (!outstanding.tryAcquire(REST_CONCURRENCY, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      rest.add("NO ANSWER", "still outstanding after " + timeout);
    }
    http.close();
  }
}
