package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AnswerRecordsTest {

  private final ConsumerRecord<byte[], byte[]> request =
      new ConsumerRecord<>("requests", 1, 17, "key".getBytes(), new byte[] {1, 2, 3});

  @Test
  void deadLetterAfterExhaustedRetries_namesTheReason_theAttempts_andTheLastStatus() {
    var last = Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage("model not loaded").build();

    var letter = AnswerRecords.rejected("requests.dlq", request, "corr-17", last,
        BridgeHeaders.REASON_RETRIES_EXHAUSTED, 20);

    assertEquals(BridgeHeaders.REASON_RETRIES_EXHAUSTED, RecordCodec.lastHeader(letter.headers(), BridgeHeaders.REASON));
    assertEquals("20", RecordCodec.lastHeader(letter.headers(), BridgeHeaders.ATTEMPTS));
    assertEquals("UNAVAILABLE", RecordCodec.lastHeader(letter.headers(), BridgeHeaders.ERROR_CODE));
    assertEquals("model not loaded", RecordCodec.lastHeader(letter.headers(), BridgeHeaders.ERROR_MESSAGE));
    assertEquals("17", RecordCodec.lastHeader(letter.headers(), BridgeHeaders.ORIGINAL_OFFSET));
    assertArrayEquals(request.value(), letter.value());
  }

  @Test
  void deadLetterOfAnUndecodableRecord_hasNoAttemptsHeader() {
    var letter = AnswerRecords.deadLetter("requests.dlq", request, "corr-17", new DeadLetterCause(
        BridgeHeaders.REASON_UNDECODABLE, BridgeHeaders.CODE_UNDECODABLE, "not a request", null, 0));

    assertEquals(BridgeHeaders.REASON_UNDECODABLE, RecordCodec.lastHeader(letter.headers(), BridgeHeaders.REASON));
    assertNull(letter.headers().lastHeader(BridgeHeaders.ATTEMPTS));
    assertNull(letter.headers().lastHeader(BridgeHeaders.ERROR_VIOLATIONS));
  }
}
