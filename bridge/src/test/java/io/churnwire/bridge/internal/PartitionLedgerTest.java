package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.bridge.BridgeHeaders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TopicPartition partition = new TopicPartition("requests", 0);
  private final List<ProducerRecord<byte[], byte[]>> sent = new CopyOnWriteArrayList<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final List<InFlightRecord> acked = new CopyOnWriteArrayList<>();
  private final List<Exception> resendErrors = new CopyOnWriteArrayList<>();
  private final List<Exception> undeliverable = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService scheduler;
  private PartitionLedger ledger;

  @BeforeEach
  void setUp() {
    ledger(3);
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  private void ledger(int maxAttempts) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    scheduler = Executors.newSingleThreadScheduledExecutor();
    RecordSender sender = (record, callback) -> {
      sent.add(record);
      callbacks.add(callback);
    };
    var delivery = new Delivery(sender, maxAttempts, new Backoff(Duration.ofMillis(10), Duration.ofMillis(20)),
        scheduler, new AnswerSizeLimit(1_048_576, "requests.dlq"));
    ledger = new PartitionLedger(partition, delivery, new PartitionLedger.Listener() {
      @Override
      public void onAcked(InFlightRecord record) {
        acked.add(record);
      }

      @Override
      public void onResent(InFlightRecord record, Exception error) {
        resendErrors.add(error);
      }

      @Override
      public void onUndeliverable(PartitionLedger halted, InFlightRecord record, Exception error) {
        assertSame(ledger, halted);
        undeliverable.add(error);
      }
    });
  }

  private InFlightRecord add(long offset) {
    return ledger.add(new ConsumerRecord<>("requests", 0, offset, new byte[0], new byte[0]));
  }

  private static ProducerRecord<byte[], byte[]> answer(long offset) {
    return new ProducerRecord<>("answers", ("answer-" + offset).getBytes());
  }

  private List<String> sentValues() {
    return sent.stream().map(r -> new String(r.value())).toList();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + WAIT);
      Thread.sleep(5);
    }
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

    assertEquals(List.of("answer-10", "answer-11", "answer-12"), sentValues());
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
    assertEquals(2, acked.size());
  }

  @Test
  void retriableSendFailure_isResentAfterBackoff_beforeTheAnswersAfterIt() throws Exception {
    var first = add(10);
    var second = add(11);
    ledger.complete(first, answer(10));

    callbacks.getFirst().onCompletion(null, new TimeoutException("no ack within delivery.timeout.ms"));
    ledger.complete(second, answer(11));
    awaitTrue(() -> sent.size() == 3, "the failed answer resent and the next one released");
    callbacks.get(1).onCompletion(null, null);
    callbacks.get(2).onCompletion(null, null);

    assertEquals(List.of("answer-10", "answer-10", "answer-11"), sentValues());
    assertEquals(2, ledger.reapAcked());
    assertEquals(12, ledger.committableOffset());
    assertEquals(1, resendErrors.size());
    assertTrue(undeliverable.isEmpty());
  }

  @Test
  void retriableSendFailures_pastMaxAttempts_giveThePartitionUpOnce_withNothingCommittable() throws Exception {
    ledger(2);
    var first = add(10);
    var second = add(11);
    ledger.complete(first, answer(10));
    ledger.complete(second, answer(11));

    callbacks.get(0).onCompletion(null, new NotEnoughReplicasException("isr shrank"));
    callbacks.get(1).onCompletion(null, null);
    awaitTrue(() -> sent.size() == 3, "a second attempt");
    var last = new NotEnoughReplicasException("still too few replicas");
    callbacks.get(2).onCompletion(null, last);
    ledger.complete(add(12), answer(12));

    assertEquals(List.of(last), undeliverable);
    assertEquals(3, sent.size(), "nothing is sent after giving up");
    assertEquals(0, ledger.reapAcked(), "the answer after the undelivered one does not make it committable");
    assertEquals(-1, ledger.committableOffset());
  }

  @Test
  void fatalSendFailure_givesUpAtOnce_withoutResending() throws Exception {
    var only = add(5);
    ledger.complete(only, answer(5));

    var denied = new TopicAuthorizationException("not allowed to write answers");
    callbacks.getFirst().onCompletion(null, denied);
    Thread.sleep(100);

    assertEquals(List.of(denied), undeliverable);
    assertEquals(1, sent.size());
    assertTrue(resendErrors.isEmpty());
    assertEquals(0, ledger.reapAcked());
    assertEquals(-1, ledger.committableOffset());
  }

  @Test
  void answerRefusedAsTooLarge_isReplacedByASmallerTruncatedDeadLetter() throws Exception {
    var record = ledger.add(new ConsumerRecord<>("requests", 0, 7, "key".getBytes(), new byte[200_000]));
    record.describeAnswer(Encoding.PROTOBUF, "corr-7");
    ledger.complete(record, new ProducerRecord<>("answers", new byte[150_000]));

    callbacks.getFirst().onCompletion(null, new RecordTooLargeException("message.max.bytes"));
    awaitTrue(() -> sent.size() == 2, "a smaller record");
    callbacks.get(1).onCompletion(null, null);

    ProducerRecord<byte[], byte[]> deadLetter = sent.get(1);
    assertEquals("requests.dlq", deadLetter.topic());
    assertTrue(AnswerSizeLimit.sizeOf(deadLetter) <= AnswerSizeLimit.sizeOf(sent.get(0)) / 2);
    assertEquals("true", RecordCodec.lastHeader(deadLetter.headers(), BridgeHeaders.TRUNCATED));
    assertEquals(BridgeHeaders.REASON_ANSWER_TOO_LARGE,
        RecordCodec.lastHeader(deadLetter.headers(), BridgeHeaders.REASON));
    assertEquals(1, ledger.reapAcked());
    assertEquals(8, ledger.committableOffset());
    assertTrue(undeliverable.isEmpty());
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
