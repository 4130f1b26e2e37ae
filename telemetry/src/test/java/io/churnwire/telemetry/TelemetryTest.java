package io.churnwire.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void metricsPort_servesHistogramsWithBuckets_andJvmMetrics_inPrometheusText() throws Exception {
    try (Telemetry telemetry = Telemetry.start("test", TelemetryConfig.off().withMetricsPort(0))) {
      telemetry.meter("test").histogramBuilder("churnwire.test.duration").setUnit("s")
          .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.01)).build()
          .record(0.005, Attributes.of(AttributeKey.stringKey("method"), "Predict"));

      HttpResponse<String> response = scrape(telemetry, "text/plain");

      assertEquals(200, response.statusCode());
      String body = response.body();
      assertTrue(body.contains("# TYPE churnwire_test_duration_seconds histogram"), body);
      assertTrue(body.contains("churnwire_test_duration_seconds_bucket{method=\"Predict\",le=\"0.01\"} 1"), body);
      assertTrue(body.contains("jvm_memory_used_bytes"), body);
      assertTrue(body.contains("process_cpu_seconds_total"), body);
      assertFalse(body.contains("quantile="), "no quantiles, which cannot be aggregated across replicas");
    }
  }

  @Test
  void metricsPort_answersOpenMetrics_whenTheScraperAsksForIt() throws Exception {
    try (Telemetry telemetry = Telemetry.start("test", TelemetryConfig.off().withMetricsPort(0))) {
      telemetry.meter("test").counterBuilder("churnwire.test.calls").build().add(3);

      HttpResponse<String> response = scrape(telemetry, "application/openmetrics-text; version=1.0.0");

      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
          response.headers().toString());
      assertTrue(response.body().contains("churnwire_test_calls_total 3.0"), response.body());
      assertTrue(response.body().strip().endsWith("# EOF"), response.body());
    }
  }

  @Test
  void withTheMetricsPortOff_instrumentsRecordNothing() throws Exception {
    try (Telemetry telemetry = Telemetry.start("test", TelemetryConfig.off())) {
      telemetry.meter("test").counterBuilder("churnwire.test.calls").build().add(1);

      assertTrue(telemetry.registry().scrape().stream()
          .noneMatch(snapshot -> snapshot.getMetadata().getName().startsWith("churnwire")));
    }
  }

  @Test
  void withoutAnEndpoint_noSpanIsRecorded_butACallersTraceContextIsCarriedOn() throws Exception {
    try (Telemetry telemetry = Telemetry.start("test", TelemetryConfig.off())) {
      SpanContext caller = SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());
      Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("call")
          .setParent(Context.root().with(Span.wrap(caller))).startSpan();

      assertFalse(span.isRecording());
      assertEquals(caller.getTraceId(), span.getSpanContext().getTraceId());
      assertEquals(-1, telemetry.metricsPort());
    }
  }

  @Test
  void withAnEndpoint_spansAreRecorded() throws Exception {
    TelemetryConfig config = TelemetryConfig.off().withOtlpEndpoint(URI.create("http://127.0.0.1:9/v1/traces"));
    try (Telemetry telemetry = Telemetry.start("test", config)) {
      Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("call").startSpan();

      assertTrue(span.isRecording());
    }
  }

  private static HttpResponse<String> scrape(Telemetry telemetry, String accept) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + telemetry.metricsPort() + "/metrics"))
        .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
  }
}
