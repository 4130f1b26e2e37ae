package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ServerApplication;
import io.churnwire.telemetry.LogFormat;
import io.churnwire.telemetry.Logging;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Request ids through the real Envoy: a REST client's {@code X-Request-Id} reaches the server, which
 * answers and logs the call under it, and Envoy's own access line names it without ever writing the
 * query string, where a GET predict carries the customer's features.
 */
class RequestIdIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
  private static PrintStream originalErr;
  private static RestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(serverLog, true, StandardCharsets.UTF_8));
    Logging.configure(LogFormat.JSON, ServerApplication.SERVICE_NAME);
    gateway = RestGateway.start(config -> config);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      System.setErr(originalErr);
      Logging.configure(LogFormat.TEXT, ServerApplication.SERVICE_NAME);
    }
  }

  @Test
  void restPredictWithXRequestId_isAnsweredAndLoggedUnderIt_byTheServerAndEnvoy() throws Exception {
    HttpResponse<String> rest = gateway.send(HttpRequest.newBuilder(gateway.envoy.rest("/v1/customers:predict"))
        .header("content-type", "application/json")
        .header("x-request-id", "rest-post-1")
        .POST(HttpRequest.BodyPublishers.ofString(json(Customers.readmeExample()))));

    assertEquals(200, rest.statusCode(), rest::body);
    assertEquals("rest-post-1",
        parse(rest.body(), PredictResponse.newBuilder(), PredictResponse.class).getRequestId());
    assertEquals(Optional.of("rest-post-1"), rest.headers().firstValue("x-request-id"));
    JsonNode line = serverAccessLine("rest-post-1");
    assertEquals("churnwire.v1.ChurnService/Predict", line.path("grpc_method").asString());
    assertEquals("OK", line.path("grpc_status").asString());
    assertTrue(envoyAccessLine("request_id=rest-post-1 ").contains("\"POST /v1/customers:predict\" 200"));
  }

  @Test
  void restPredictWithoutXRequestId_keepsTheBodysRequestId() throws Exception {
    PredictRequest customer = Customers.readmeExample().toBuilder().setRequestId("body-only-1").build();

    HttpResponse<String> rest = gateway.post("/v1/customers:predict", json(customer));

    assertEquals("body-only-1", parse(rest.body(), PredictResponse.newBuilder(), PredictResponse.class).getRequestId());
    assertEquals(Optional.of("body-only-1"), rest.headers().firstValue("x-request-id"));
    serverAccessLine("body-only-1");
    assertTrue(envoyAccessLine("request_id=body-only-1 ").contains("client_request_id=-"));
  }

  @Test
  void envoysAccessLine_leavesOutTheQueryStringThatHoldsTheFeatures() throws Exception {
    PredictRequest customer = Customers.readmeExample().toBuilder().setTotalRevenue(4321.5).build();

    HttpResponse<String> rest = gateway.send(HttpRequest.newBuilder(
            gateway.envoy.rest("/v1/customers:predict" + RestGateway.query(customer)))
        .header("x-request-id", "rest-get-1")
        .GET());

    assertEquals(200, rest.statusCode(), rest::body);
    String line = envoyAccessLine("request_id=rest-get-1 ");
    assertTrue(line.contains("\"GET /v1/customers:predict\" 200"), line);
    assertFalse(line.contains("?"), line);
    assertFalse(line.contains("4321"), line);
    assertFalse(gateway.envoy.log().contains(customer.getCustomerId()), gateway.envoy::log);
  }

  @Test
  void restErrorAnswer_carriesTheRequestIdHeaderToo() throws Exception {
    HttpResponse<String> rest = gateway.send(HttpRequest.newBuilder(gateway.envoy.rest("/v1/customers:predict"))
        .header("content-type", "application/json")
        .header("x-request-id", "rest-bad-1")
        .POST(HttpRequest.BodyPublishers.ofString(json(Customers.invalid()))));

    assertEquals(400, rest.statusCode(), rest::body);
    assertEquals(Optional.of("rest-bad-1"), rest.headers().firstValue("x-request-id"));
    assertEquals("INVALID_ARGUMENT", serverAccessLine("rest-bad-1").path("grpc_status").asString());
  }

  /** The server's access line for {@code requestId}; the server writes it before it answers. */
  private static JsonNode serverAccessLine(String requestId) {
    List<JsonNode> lines;
    synchronized (serverLog) {
      lines = serverLog.toString(StandardCharsets.UTF_8).lines()
          .filter(line -> line.startsWith("{"))
          .map(JSON::readTree)
          .filter(json -> "io.churnwire.access".equals(json.path("logger_name").asString()))
          .filter(json -> requestId.equals(json.path("request_id").asString()))
          .toList();
    }
    assertEquals(1, lines.size(), () -> serverLog.toString(StandardCharsets.UTF_8));
    return lines.getFirst();
  }

  /** Envoy's access line containing {@code marker}, waiting for Envoy to flush its log. */
  private static String envoyAccessLine(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Optional<String> line = gateway.envoy.log().lines().filter(text -> text.contains(marker)).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Envoy logged no line with " + marker + ":\n" + gateway.envoy.log());
      }
      Thread.sleep(100);
    }
  }
}
