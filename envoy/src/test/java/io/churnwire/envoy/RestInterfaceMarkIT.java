package io.churnwire.envoy;

import static io.churnwire.envoy.RecordingUpstream.interfaceOf;
import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.ListCustomerPredictionsRequest;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.RiskBand;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@code envoy.yaml} tells the server a call came in as REST: the real Envoy in front of a
 * {@link RecordingUpstream} that keeps the metadata of every call it receives. Every transcoded
 * call arrives with {@code x-churnwire-interface: rest} and nothing else under that name, native
 * gRPC through the same port arrives as the client sent it, and a REST request cannot pass itself
 * off as gRPC to escape the mark. Also: the insights calls' query parameters reach the server as
 * their fields, and bad ones are answered 400 by Envoy.
 */
class RestInterfaceMarkIT {
  private static RecordingUpstream upstream;
  private static EnvoyProcess envoy;
  private static ManagedChannel throughEnvoy;
  private static Path workDir;
  private static final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @BeforeAll
  static void start() throws Exception {
    workDir = Files.createTempDirectory("churnwire-envoy-mark-it");
    upstream = RecordingUpstream.start();
    envoy = EnvoyProcess.start(upstream.port(), workDir);
    URI rest = envoy.rest("/");
    throughEnvoy = NettyChannelBuilder.forAddress(rest.getHost(), rest.getPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (throughEnvoy != null) {
        throughEnvoy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (envoy != null) {
        envoy.close();
      }
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      RestGateway.deleteTree(workDir);
    }
  }

  @BeforeEach
  void forgetEarlierCalls() {
    upstream.clear();
  }

  @Test
  void everyTranscodedCall_reachesTheServerMarkedRest() throws Exception {
    List<HttpResponse<String>> answers = List.of(
        get("/v1/stats"),
        get("/v1/predictions?page_size=3"),
        get("/v1/customers/7590-VHVEG/predictions"),
        get("/v1/stats:riskDistribution?bucket_count=4"),
        get("/v1/stats:churnOverTime?granularity=TIME_GRANULARITY_HOUR"),
        post("/v1/customers:predict", json(Customers.readmeExample())),
        get("/v1/customers:predict" + RestGateway.query(Customers.readmeExample())));

    for (HttpResponse<String> answer : answers) {
      assertEquals(200, answer.statusCode(), answer::body);
    }
    List<RecordingUpstream.Call> calls = upstream.calls();
    assertEquals(List.of(
            "churnwire.v1.ChurnInsightsService/GetPredictionStats",
            "churnwire.v1.ChurnInsightsService/ListPredictions",
            "churnwire.v1.ChurnInsightsService/ListCustomerPredictions",
            "churnwire.v1.ChurnInsightsService/GetRiskDistribution",
            "churnwire.v1.ChurnInsightsService/GetChurnOverTime",
            "churnwire.v1.ChurnService/Predict",
            "churnwire.v1.ChurnService/Predict"),
        calls.stream().map(RecordingUpstream.Call::method).toList());
    for (RecordingUpstream.Call call : calls) {
      assertEquals(List.of("rest"), call.interfaceValues(), call::toString);
    }
  }

  @Test
  void restCall_withItsOwnInterfaceHeaders_arrivesWithOnlyRest() throws Exception {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(envoy.rest("/v1/stats"))
        .header("x-churnwire-interface", "grpc")
        .header("x-churnwire-interface", "kafka")
        .GET());

    assertEquals(200, answer.statusCode(), answer::body);
    assertEquals(List.of("rest"), upstream.onlyCall().interfaceValues());
  }

  @Test
  void nativeGrpcThroughEnvoy_arrivesUnmarked() {
    ChurnInsightsServiceGrpc.newBlockingStub(throughEnvoy).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getPredictionStats(GetPredictionStatsRequest.getDefaultInstance());
    ChurnServiceGrpc.newBlockingStub(throughEnvoy).withDeadlineAfter(30, TimeUnit.SECONDS)
        .predict(Customers.readmeExample());

    List<RecordingUpstream.Call> calls = upstream.calls();
    assertEquals(2, calls.size(), calls::toString);
    for (RecordingUpstream.Call call : calls) {
      assertEquals(Optional.empty(), interfaceOf(call), call::toString);
    }
  }

  @Test
  void nativeGrpcThroughEnvoy_keepsTheInterfaceItsClientSent() {
    Metadata headers = new Metadata();
    headers.put(RecordingUpstream.INTERFACE, "kafka");

    ChurnServiceGrpc.newBlockingStub(throughEnvoy).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .predict(Customers.readmeExample());

    assertEquals(List.of("kafka"), upstream.onlyCall().interfaceValues());
  }

  @Test
  void restRequestClaimingToBeGrpc_isNotForwardedAtAll() throws Exception {
    List<HttpResponse<String>> answers = List.of(
        send(HttpRequest.newBuilder(envoy.rest("/v1/stats")).header("content-type", "application/grpc").GET()),
        send(HttpRequest.newBuilder(envoy.rest("/v1/customers:predict"))
            .header("content-type", "application/grpc+json")
            .POST(HttpRequest.BodyPublishers.ofString(json(Customers.readmeExample())))));

    for (HttpResponse<String> answer : answers) {
      // Envoy answers its 404 to a gRPC request the gRPC way: grpc-status UNIMPLEMENTED.
      assertEquals(Optional.of("12"), answer.headers().firstValue("grpc-status"), answer.headers()::toString);
    }
    assertEquals(List.of(), upstream.calls());
  }

  @Test
  void listPredictionsQueryParameters_reachTheServerAsTheRequestFields() throws Exception {
    HttpResponse<String> answer = get("/v1/predictions?page_size=5&page_token=abc&risk_band=RISK_BAND_HIGH"
        + "&model_version=sha256:f80c&start_time=2026-11-30T00:00:00Z&end_time=2026-12-01T12:30:00.500Z");

    assertEquals(200, answer.statusCode(), answer::body);
    assertEquals(ListPredictionsRequest.newBuilder()
            .setPageSize(5)
            .setPageToken("abc")
            .setRiskBand(RiskBand.RISK_BAND_HIGH)
            .setModelVersion("sha256:f80c")
            .setStartTime(time("2026-11-30T00:00:00Z"))
            .setEndTime(time("2026-12-01T12:30:00.500Z"))
            .build(),
        upstream.onlyCall().request());
  }

  @Test
  void customerPredictionsPath_carriesTheCustomerId() throws Exception {
    HttpResponse<String> answer = get("/v1/customers/7590-VHVEG/predictions?page_size=2");

    assertEquals(200, answer.statusCode(), answer::body);
    assertEquals(ListCustomerPredictionsRequest.newBuilder().setCustomerId("7590-VHVEG").setPageSize(2).build(),
        upstream.onlyCall().request());
  }

  @Test
  void badInsightsQueryParameters_are400NamingTheParameter_andNeverReachTheServer() throws Exception {
    List<String> queries = List.of(
        "/v1/predictions?page_size=many",
        "/v1/predictions?risk_band=PURPLE",
        "/v1/predictions?start_time=yesterday",
        "/v1/predictions?sort_order=newest",
        "/v1/stats:riskDistribution?bucket_count=1.5",
        "/v1/stats:churnOverTime?granularity=TIME_GRANULARITY_MONTH");
    List<String> named = List.of("page_size", "risk_band", "start_time", "sort_order", "bucket_count", "granularity");

    for (int i = 0; i < queries.size(); i++) {
      HttpResponse<String> answer = get(queries.get(i));
      String query = queries.get(i);
      assertEquals(400, answer.statusCode(), () -> query + " -> " + answer.body());
      Status status = status(answer);
      assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode(), query);
      String field = named.get(i);
      assertTrue(status.getMessage().contains(field), () -> query + " -> " + status.getMessage());
    }
    assertEquals(List.of(), upstream.calls());
  }

  private static Timestamp time(String rfc3339) throws Exception {
    return Timestamps.parse(rfc3339);
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(envoy.rest(pathAndQuery)).GET());
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(envoy.rest(path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
