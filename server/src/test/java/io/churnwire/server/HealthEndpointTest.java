package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnwire.history.HistoryConfig;
import io.churnwire.testsupport.DemoRegistry;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} on the metrics port of a real server answers what its gRPC health service
 * answers, per service, through a drain, so probes that cannot speak TLS still follow it.
 */
class HealthEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private ServerApplication application;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ServerConfig config = InProcessChurnwire.config().withModelDir(DemoRegistry.shared())
        .withHistory(HistoryConfig.off());
    application = ServerApplication.startOnNetty(config, () -> ModelBootstrap.load(config));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    application.close();
  }

  @Test
  void servingServer_is200_perServiceAsGrpcHealthSays_andAServiceNotServingIs503() throws Exception {
    assertEquals(new Answer(200, "SERVING"), get("/health"));
    assertEquals(new Answer(200, "SERVING"), get("/health?service=churnwire.v1.ChurnService"));
    assertEquals(ServingStatus.NOT_SERVING, grpcHealth(ServiceNames.INSIGHTS_SERVICE));
    assertEquals(new Answer(503, "NOT_SERVING"), get("/health?service=churnwire.v1.ChurnInsightsService"));
  }

  @Test
  void unknownService_is404_andOtherMethodsOrPaths_areRefused() throws Exception {
    assertEquals(new Answer(404, "SERVICE_UNKNOWN"), get("/health?service=churnwire.v1.NoSuchService"));
    assertEquals(new Answer(404, "no such path"), get("/health/deeper"));
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/health"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void drainingServer_is503_whileGrpcHealthSaysNotServingToo() throws Exception {
    application.stopServingHealth();

    assertEquals(ServingStatus.NOT_SERVING, grpcHealth(ServiceNames.CHURN_SERVICE));
    assertEquals(new Answer(503, "NOT_SERVING"), get("/health"));
    assertEquals(new Answer(503, "NOT_SERVING"), get("/health?service=churnwire.v1.ChurnService"));
  }

  private record Answer(int code, String body) {}

  private Answer get(String pathAndQuery) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body().strip());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + application.metricsPort() + pathAndQuery);
  }

  private ServingStatus grpcHealth(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }
}
