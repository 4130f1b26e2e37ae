package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.churnwire.testsupport.Customers;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CallTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01";
  private static final Metadata.Key<String> TRACEPARENT_HEADER =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private HttpServer collector;
  private final List<byte[]> exports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      try (exchange) {
        if ("POST".equals(exchange.getRequestMethod())) {
          exports.add(exchange.getRequestBody().readAllBytes());
        }
        exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      }
    });
    collector.start();
  }

  @AfterEach
  void stopCollector() {
    collector.stop(0);
  }

  @Test
  void callWithTraceparent_isExportedAsAServerSpanOfTheCallersTrace() throws Exception {
    try (InProcessChurnwire churnwire = InProcessChurnwire.start(exportingTo(collector))) {
      churnwire.blocking().withInterceptors(traceparent()).predict(Customers.risky());
    }

    Span span = onlyPredictSpan();
    assertEquals(TRACE_ID, hex(span.getTraceId()));
    assertEquals(CALLER_SPAN_ID, hex(span.getParentSpanId()));
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
  }

  @Test
  void callWithoutTraceparent_startsANewTrace() throws Exception {
    try (InProcessChurnwire churnwire = InProcessChurnwire.start(exportingTo(collector))) {
      churnwire.blocking().predict(Customers.risky());
    }

    Span span = onlyPredictSpan();
    assertNotEquals(TRACE_ID, hex(span.getTraceId()));
    assertTrue(span.getParentSpanId().isEmpty(), span.toString());
  }

  @Test
  void accessLine_carriesTheSpanOfTheCall() throws Exception {
    try (JsonLogs logs = JsonLogs.capture()) {
      try (InProcessChurnwire churnwire = InProcessChurnwire.start(exportingTo(collector))) {
        churnwire.blocking().withInterceptors(traceparent()).predict(Customers.risky());
      }
      JsonNode line = logs.accessLines().getFirst();
      Span span = onlyPredictSpan();
      assertEquals(TRACE_ID, line.path("trace_id").asString());
      assertEquals(hex(span.getSpanId()), line.path("span_id").asString());
    }
  }

  @Test
  void withoutAnEndpoint_nothingIsSent_butTheAccessLineCarriesTheCallersTraceId() throws Exception {
    try (JsonLogs logs = JsonLogs.capture()) {
      try (InProcessChurnwire churnwire = InProcessChurnwire.start(InProcessChurnwire.config())) {
        churnwire.blocking().withInterceptors(traceparent()).predict(Customers.risky());
      }
      assertEquals(TRACE_ID, logs.accessLines().getFirst().path("trace_id").asString());
    }
    assertEquals(List.of(), exports);
  }

  private static ServerConfig exportingTo(HttpServer collector) {
    ServerConfig config = InProcessChurnwire.config();
    URI endpoint = URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
    return config.withTelemetry(config.telemetry().withOtlpEndpoint(endpoint));
  }

  private static io.grpc.ClientInterceptor traceparent() {
    Metadata headers = new Metadata();
    headers.put(TRACEPARENT_HEADER, TRACEPARENT);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private Span onlyPredictSpan() throws IOException {
    List<Span> spans = new java.util.ArrayList<>();
    for (byte[] body : exports) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      request.getResourceSpansList().forEach(resource -> resource.getScopeSpansList().forEach(
          scope -> scope.getSpansList().stream()
              .filter(span -> span.getName().equals("churnwire.v1.ChurnService/Predict"))
              .forEach(spans::add)));
    }
    assertEquals(1, spans.size(), spans.toString());
    assertFalse(spans.getFirst().getSpanId().isEmpty());
    return spans.getFirst();
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
