package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  private final TopicPartition partition = new TopicPartition("requests", 0);
  private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
  private final List<Callback> callbacks = new ArrayList<>();
  private final List<Exception> ackErrors = new ArrayList<>();
  private PartitionLedger ledger;

  @BeforeEach
  void setUp() {
    ledger = new PartitionLedger(partition, (record, callback) -> {
      sent.add(record);
      callbacks.add(callback);
    }, (record, error) -> ackErrors.add(error));
  }

  private InFlightRecord add(long offset) {
    return ledger.add(new ConsumerRecord<>("requests", 0, offset, new byte[0], new byte[0]));
  }

  private static ProducerRecord<byte[], byte[]> answer(long offset) {
    return new ProducerRecord<>("answers", ("answer-" + offset).getBytes());
  }

  @Test
  void complete_outOfOrder_sendsInOffsetOrder() {
    var first = add(10);
    var second = add(11);
    var third = add(12);

    ledger.complete(third, answer(12));
    ledger.complete(second, answer(11));
    assertTrue(sent.isEmpty(), "nothing may leave before the head is answered");
    ledger.complete(first, answer(10));

    assertEquals(List.of("answer-10", "answer-11", "answer-12"),
        sent.stream().map(r -> new String(r.value())).toList());
  }

  @Test
  void reapAcked_advancesOnlyPastContiguousAcknowledgedHead() {
    var first = add(10);
    var second = add(11);
    ledger.complete(first, answer(10));
    ledger.complete(second, answer(11));

    callbacks.get(1).onCompletion(null, null);
    int reapedBeforeHeadAck = ledger.reapAcked();
    long committableBeforeHeadAck = ledger.committableOffset();
    callbacks.get(0).onCompletion(null, null);
    int reapedAfterHeadAck = ledger.reapAcked();

    assertEquals(0, reapedBeforeHeadAck);
    assertEquals(-1, committableBeforeHeadAck);
    assertEquals(2, reapedAfterHeadAck);
    assertEquals(12, ledger.committableOffset());
    assertEquals(0, ledger.size());
  }

  @Test
  void failedSend_isNeverCommittable() {
    var only = add(5);
    ledger.complete(only, answer(5));

    callbacks.getFirst().onCompletion(null, new RuntimeException("broker said no"));

    assertEquals(0, ledger.reapAcked());
    assertEquals(-1, ledger.committableOffset());
    assertEquals(1, ackErrors.size());
  }

  @Test
  void abandon_dropsPendingRecords_andLaterAnswersAreNotSent() {
    var first = add(1);
    add(2);

    int dropped = ledger.abandon();
    ledger.complete(first, answer(1));

    assertEquals(2, dropped);
    assertTrue(first.isAbandoned());
    assertTrue(sent.isEmpty());
  }
}
