package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.bridge.BridgeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class AnswerSizeLimitTest {

  private static final int LIMIT = 16_384;
  private final AnswerSizeLimit sizeLimit = new AnswerSizeLimit(LIMIT, "requests.dlq");

  private static InFlightRecord request(int valueBytes, int headerBytes) {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 7);
    var headers = new RecordHeaders(List.of(new RecordHeader("trace", new byte[headerBytes])));
    var record = new InFlightRecord(new ConsumerRecord<>("requests", 2, 41, 0L, TimestampType.CREATE_TIME, 3,
        valueBytes, "key".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty()));
    record.describeAnswer(Encoding.PROTOBUF, "corr-41");
    return record;
  }

  private static ProducerRecord<byte[], byte[]> deadLetterOf(InFlightRecord record) {
    return AnswerRecords.deadLetter("requests.dlq", record.source(), record.correlationId(),
        new DeadLetterCause(BridgeHeaders.REASON_UNDECODABLE, BridgeHeaders.CODE_UNDECODABLE, "not a request", "", 0));
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return RecordCodec.lastHeader(record.headers(), name);
  }

  @Test
  void fit_answerWithinTheLimit_isSentUnchanged() {
    var record = request(100, 10);
    var deadLetter = deadLetterOf(record);

    assertSame(deadLetter, sizeLimit.fit(record, deadLetter));
  }

  @Test
  void fit_deadLetterOfAHugeRequest_keepsTheStartOfItsValue_andSaysItWasTruncated() {
    var record = request(1_000_000, 10);

    var fitted = sizeLimit.fit(record, deadLetterOf(record));

    assertTrue(AnswerSizeLimit.sizeOf(fitted) <= LIMIT, "size " + AnswerSizeLimit.sizeOf(fitted));
    assertTrue(fitted.value().length > LIMIT / 2, "as much of the value as fits is kept: " + fitted.value().length);
    assertArrayEquals(Arrays.copyOf(record.source().value(), fitted.value().length), fitted.value());
    assertEquals("true", header(fitted, BridgeHeaders.TRUNCATED));
    assertEquals("1000000", header(fitted, BridgeHeaders.ORIGINAL_SIZE));
    assertEquals(BridgeHeaders.CODE_UNDECODABLE, header(fitted, BridgeHeaders.ERROR_CODE));
    assertEquals("41", header(fitted, BridgeHeaders.ORIGINAL_OFFSET));
    assertEquals("corr-41", header(fitted, BridgeHeaders.CORRELATION_ID));
    assertEquals(10, fitted.headers().lastHeader("trace").value().length, "the request's headers stay when they fit");
  }

  @Test
  void fit_requestHeadersLargerThanTheLimit_areDropped_keepingTheBridgesOwn() {
    var record = request(1_000, 100_000);

    var fitted = sizeLimit.fit(record, deadLetterOf(record));

    assertTrue(AnswerSizeLimit.sizeOf(fitted) <= LIMIT);
    assertNull(fitted.headers().lastHeader("trace"));
    assertEquals("true", header(fitted, BridgeHeaders.TRUNCATED));
    assertEquals("corr-41", header(fitted, BridgeHeaders.CORRELATION_ID));
    assertEquals(1_000, fitted.value().length);
  }

  @Test
  void fit_cutToTheBridgesOwnHeaders_keepsTheRequestIdAndTraceContext() {
    var record = request(1_000, 100_000);
    var traced = new RecordHeaders(List.of(new RecordHeader(BridgeHeaders.TRACEPARENT,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8))));
    record.trace(RecordTracing.passThrough("group").start(new ConsumerRecord<>("requests", 2, 41, 0L,
        TimestampType.CREATE_TIME, 3, 0, "key".getBytes(StandardCharsets.UTF_8), new byte[0], traced,
        Optional.empty()), "req-41"));

    var fitted = sizeLimit.fit(record, AnswerRecords.identified(deadLetterOf(record), record));

    assertNull(fitted.headers().lastHeader("trace"));
    assertEquals("req-41", header(fitted, BridgeHeaders.REQUEST_ID));
    assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", header(fitted, BridgeHeaders.TRACEPARENT));
  }

  @Test
  void fit_responseLargerThanTheLimit_becomesTheRequestsDeadLetter_answerTooLarge() {
    var record = request(200, 10);
    var response = new ProducerRecord<>("answers", null, "key".getBytes(StandardCharsets.UTF_8), new byte[LIMIT * 2]);

    var fitted = sizeLimit.fit(record, response);

    assertEquals("requests.dlq", fitted.topic());
    assertEquals(BridgeHeaders.REASON_ANSWER_TOO_LARGE, header(fitted, BridgeHeaders.REASON));
    assertEquals(BridgeHeaders.CODE_ANSWER_TOO_LARGE, header(fitted, BridgeHeaders.ERROR_CODE));
    assertArrayEquals(record.source().value(), fitted.value());
    assertNull(header(fitted, BridgeHeaders.REQUEST_ID), "a record traced by nobody carries no id");
  }

  @Test
  void shrink_halvesARefusedDeadLetter_untilOnlyTheBridgesHeadersAreLeft_thenGivesUp() {
    var record = request(LIMIT, 10);
    ProducerRecord<byte[], byte[]> current = sizeLimit.fit(record, deadLetterOf(record));

    int steps = 0;
    Optional<ProducerRecord<byte[], byte[]>> smaller;
    while ((smaller = sizeLimit.shrink(record, current)).isPresent()) {
      assertTrue(AnswerSizeLimit.sizeOf(smaller.get()) < AnswerSizeLimit.sizeOf(current));
      current = smaller.get();
      steps++;
      assertTrue(steps < 40, "shrinking must end");
    }

    assertTrue(steps >= 3, "steps " + steps);
    assertNull(current.value());
    assertEquals("true", header(current, BridgeHeaders.TRUNCATED));
    assertEquals(Integer.toString(LIMIT), header(current, BridgeHeaders.ORIGINAL_SIZE));
    assertEquals("41", header(current, BridgeHeaders.ORIGINAL_OFFSET));
  }
}
