package io.churnwire.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code grpc.health.v1} status of the server as plain HTTP on the metrics port:
 * {@code GET /health} for the server as a whole, {@code GET /health?service=NAME} for one service;
 * 200 when {@code SERVING}, 503 when not, 404 for a service the server does not know.
 *
 * <p>Kubernetes' gRPC probe cannot speak TLS, so once the gRPC ports require TLS a kubelet can
 * only reach the health service through a plaintext port; this one answers from the very same
 * {@link HealthStatusManager} the gRPC health service reads, so both always agree, a drain
 * included.
 */
final class HealthEndpoint implements HttpHandler {
  /** The path it is served at. */
  static final String PATH = "/health";

  private final HealthGrpc.HealthImplBase health;

  HealthEndpoint(HealthStatusManager health) {
    this.health = (HealthGrpc.HealthImplBase) health.getHealthService();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, "no such path\n");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "only GET and HEAD\n");
        return;
      }
      String service = service(exchange.getRequestURI().getRawQuery());
      ServingStatus status;
      try {
        status = check(service);
      } catch (StatusRuntimeException e) {
        reply(exchange, e.getStatus().getCode() == Status.Code.NOT_FOUND ? 404 : 503, "SERVICE_UNKNOWN\n");
        return;
      }
      reply(exchange, status == ServingStatus.SERVING ? 200 : 503, status.name() + "\n");
    }
  }

  private ServingStatus check(String service) {
    AtomicReference<HealthCheckResponse> answer = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    health.check(HealthCheckRequest.newBuilder().setService(service).build(), new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse response) {
        answer.set(response);
      }

      @Override
      public void onError(Throwable t) {
        failure.set(t);
      }

      @Override
      public void onCompleted() {}
    });
    if (failure.get() != null) {
      throw Status.fromThrowable(failure.get()).asRuntimeException();
    }
    return answer.get() == null ? ServingStatus.UNKNOWN : answer.get().getStatus();
  }

  /** The {@code service} query parameter, or the empty name of the server as a whole. */
  private static String service(String rawQuery) {
    if (rawQuery == null) {
      return "";
    }
    for (String parameter : rawQuery.split("&")) {
      if (parameter.startsWith("service=")) {
        return URLDecoder.decode(parameter.substring("service=".length()), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  private static void reply(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
