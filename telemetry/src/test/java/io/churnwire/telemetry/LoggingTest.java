package io.churnwire.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class LoggingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @AfterEach
  void backToText() {
    Logging.configure(LogFormat.TEXT, "test");
  }

  @Test
  void jsonLines_carryTheRequestIdFromTheMdc_andTheTraceIdOfTheCurrentSpan() {
    String line = captured(LogFormat.JSON, () -> {
      SpanContext span = SpanContext.createFromRemoteParent(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(),
          TraceState.getDefault());
      MDC.put(Logging.REQUEST_ID, "req-1");
      try (Scope ignored = Span.wrap(span).makeCurrent()) {
        LoggerFactory.getLogger("io.churnwire.test").info("scored {}", 1);
      } finally {
        MDC.remove(Logging.REQUEST_ID);
      }
    });

    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("scored 1", json.get("message").asString());
    assertEquals("req-1", json.get("request_id").asString());
    assertEquals(TRACE_ID, json.get("trace_id").asString());
    assertEquals("INFO", json.get("level").asString());
    assertEquals("test", json.get("service").asString());
  }

  @Test
  void javaUtilLogging_goesThroughTheSameBackend() {
    String line = captured(LogFormat.JSON,
        () -> java.util.logging.Logger.getLogger("io.grpc.test").warning("from jul"));

    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("from jul", json.get("message").asString());
    assertEquals("io.grpc.test", json.get("logger_name").asString());
    assertEquals("WARN", json.get("level").asString());
  }

  @Test
  void textLines_nameTheRequestId_onlyWhenThereIsOne() {
    String with = captured(LogFormat.TEXT, () -> {
      MDC.put(Logging.REQUEST_ID, "req-2");
      LoggerFactory.getLogger("io.churnwire.test").info("with");
      MDC.remove(Logging.REQUEST_ID);
    });
    String without = captured(LogFormat.TEXT, () -> LoggerFactory.getLogger("io.churnwire.test").info("without"));

    assertTrue(with.contains(" request_id=req-2 - with"), with);
    assertTrue(without.contains("test - without"), without);
  }

  private static String captured(LogFormat format, Runnable logging) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      Logging.configure(format, "test");
      logging.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8).strip();
  }
}
