package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.telemetry.Logging;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Request ids and trace context from a request record's headers to its answers, without trace export. */
class RecordTracingTest {

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final RecordTracing tracing = RecordTracing.passThrough("group");

  @Test
  void requestId_isTheHeader_elseTheRequestsOwn_elseAssigned() {
    assertEquals("from-header", RecordTracing.requestId(record(Map.of(BridgeHeaders.REQUEST_ID, "from-header")),
        "from-value"));
    assertEquals("from-value", RecordTracing.requestId(record(Map.of()), "from-value"));
    String assigned = RecordTracing.requestId(record(Map.of()), "");
    assertEquals(assigned, UUID.fromString(assigned).toString());
  }

  @Test
  void requestIdHeader_tooLongOrWithControlCharacters_isIgnored() {
    assertEquals("from-value", RecordTracing.requestId(record(Map.of(BridgeHeaders.REQUEST_ID, "x".repeat(257))),
        "from-value"));
    assertEquals("from-value", RecordTracing.requestId(record(Map.of(BridgeHeaders.REQUEST_ID, "a\nb")),
        "from-value"));
  }

  @Test
  void withoutTraceExport_theRequestsTraceContext_isHandedOnUnchanged() {
    var trace = tracing.start(record(Map.of(BridgeHeaders.TRACEPARENT, TRACEPARENT,
        BridgeHeaders.TRACESTATE, "congo=t61rcWkgMzE")), "req-1");

    assertEquals(Map.of(BridgeHeaders.REQUEST_ID, "req-1", BridgeHeaders.TRACEPARENT, TRACEPARENT,
        BridgeHeaders.TRACESTATE, "congo=t61rcWkgMzE"), asMap(trace.answerHeaders()));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", Span.fromContext(trace.context()).getSpanContext().getTraceId());
  }

  @Test
  void withoutTraceContext_onlyTheRequestIdIsCarried() {
    var trace = tracing.start(record(Map.of()), "req-2");

    assertEquals(Map.of(BridgeHeaders.REQUEST_ID, "req-2"), asMap(trace.answerHeaders()));
  }

  @Test
  void identifiedAnswer_replacesTheRequestsIdAndTraceHeaders_andKeepsTheOthers() {
    ConsumerRecord<byte[], byte[]> source = record(Map.of(BridgeHeaders.REQUEST_ID, "req-3",
        BridgeHeaders.TRACEPARENT, TRACEPARENT, "custom", "kept"));
    var record = new InFlightRecord(source);
    record.trace(tracing.start(source, "req-3"));
    var deadLetter = AnswerRecords.deadLetter("dlq", source, "corr", new DeadLetterCause(
        BridgeHeaders.REASON_UNDECODABLE, BridgeHeaders.CODE_UNDECODABLE, "bad", "", 0));

    ProducerRecord<byte[], byte[]> identified = AnswerRecords.identified(deadLetter, record);

    assertEquals(1, count(identified, BridgeHeaders.REQUEST_ID));
    assertEquals(1, count(identified, BridgeHeaders.TRACEPARENT));
    assertEquals("kept", RecordCodec.lastHeader(identified.headers(), "custom"));
    assertEquals(TRACEPARENT, RecordCodec.lastHeader(identified.headers(), BridgeHeaders.TRACEPARENT));
  }

  @Test
  void enter_putsTheRequestIdInTheMdc_andRestoresWhatWasThere() {
    var trace = tracing.start(record(Map.of(BridgeHeaders.TRACEPARENT, TRACEPARENT)), "req-4");
    MDC.put(Logging.REQUEST_ID, "outer");
    try {
      try (Scope scope = trace.enter()) {
        assertEquals("req-4", MDC.get(Logging.REQUEST_ID));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", Span.current().getSpanContext().getTraceId());
      }
      assertEquals("outer", MDC.get(Logging.REQUEST_ID));
    } finally {
      MDC.remove(Logging.REQUEST_ID);
    }
    try (Scope scope = trace.enter()) {
      assertEquals("req-4", MDC.get(Logging.REQUEST_ID));
    }
    assertNull(MDC.get(Logging.REQUEST_ID));
    assertTrue(!Span.current().getSpanContext().isValid());
  }

  private static ConsumerRecord<byte[], byte[]> record(Map<String, String> headers) {
    var recordHeaders = new RecordHeaders();
    headers.forEach((key, value) -> recordHeaders.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))));
    return new ConsumerRecord<>("requests", 0, 5, 0L, TimestampType.CREATE_TIME, 3, 3, "key".getBytes(),
        new byte[] {1, 2, 3}, recordHeaders, Optional.empty());
  }

  private static Map<String, String> asMap(List<Header> headers) {
    return headers.stream().collect(java.util.stream.Collectors.toMap(Header::key,
        header -> new String(header.value(), StandardCharsets.UTF_8)));
  }

  private static long count(ProducerRecord<byte[], byte[]> record, String key) {
    return java.util.stream.StreamSupport.stream(record.headers().headers(key).spliterator(), false).count();
  }
}
