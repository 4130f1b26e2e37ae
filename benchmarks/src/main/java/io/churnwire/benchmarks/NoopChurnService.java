package io.churnwire.benchmarks;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.Prediction;
import io.churnwire.v1.RiskBand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A ChurnService that scores nothing: every Predict is answered with one fixed, valid prediction
 * (echoing the request and customer ids), on grpc-java's Netty transport with health and
 * reflection like the real server. The benchmark suite loads it beside the server with the same
 * client, payload and concurrency, so the server's figures read as a share of what the transport,
 * protobuf and the load generator alone allow on the same machine. Its handler does nothing that
 * could block, so it runs on the transport thread ({@code directExecutor}), grpc-java's fastest
 * arrangement: the ceiling is the transport's, not a thread hop's.
 *
 * <p>{@code java -cp benchmarks.jar io.churnwire.benchmarks.NoopChurnService [--host H] [--port P]}
 * (port 0 picks a free one); prints {@code noop: listening on PORT} once it accepts calls and runs
 * until killed.
 */
public final class NoopChurnService extends ChurnServiceGrpc.ChurnServiceImplBase {
  /** The version every no-op answer names, so that no one mistakes it for a model's. */
  public static final String MODEL_VERSION = "noop";
  static final double PROBABILITY = 0.2;
  static final double THRESHOLD = 0.5;

  private static final Prediction PREDICTION = Prediction.newBuilder()
      .setChurnProbability(PROBABILITY)
      .setWillChurn(false)
      .setRiskBand(RiskBand.RISK_BAND_LOW)
      .setModelVersion(MODEL_VERSION)
      .setDecisionThreshold(THRESHOLD)
      .build();

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
    responses.onNext(PredictResponse.newBuilder()
        .setRequestId(request.getRequestId().isEmpty() ? "noop" : request.getRequestId())
        .setCustomerId(request.getCustomerId())
        .setPrediction(PREDICTION)
        .build());
    responses.onCompleted();
  }

  /** Starts the no-op server on {@code host:port}, SERVING for ChurnService and overall. */
  public static Server start(String host, int port) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .directExecutor()
        .addService(new NoopChurnService())
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
    health.setStatus(ChurnServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    return server;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    String host = "127.0.0.1";
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = value(args, ++i, "--host");
        case "--port" -> port = port(value(args, ++i, "--port"));
        default -> {
          System.err.println("noop: unknown option " + args[i] + " (--host H, --port P)");
          System.exit(2);
        }
      }
    }
    Server server = start(host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    System.out.println("noop: listening on " + server.getPort());
    server.awaitTermination();
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("noop: --port must be a number from 0 to 65535, got '" + text + "'");
    System.exit(2);
    return -1;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      System.err.println("noop: " + option + " needs a value");
      System.exit(2);
    }
    return args[index];
  }
}
