package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Produce calls leave the scoring callback thread and every lock. */
class AnswerSenderTest {

  /** A producer whose send blocks, as KafkaProducer's does while metadata or buffer space is missing. */
  private static final class BlockingProducer extends MockProducer<byte[], byte[]> {
    final CountDownLatch release = new CountDownLatch(1);
    final LinkedBlockingQueue<String> sendingThreads = new LinkedBlockingQueue<>();

    BlockingProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      sendingThreads.add(Thread.currentThread().getName());
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.send(record, callback);
    }
  }

  @Test
  void completingAnAnswer_whileTheProducerBlocks_returnsAtOnce_andTheSendRunsOnTheSenderThread() throws Exception {
    var producer = new BlockingProducer();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    var acked = new CountDownLatch(1);
    try (var sender = new AnswerSender(producer, "answer-sender")) {
      var ledger = new PartitionLedger(new TopicPartition("requests", 0),
          new Delivery(sender, 3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)), scheduler,
              new AnswerSizeLimit(1_048_576, "dlq")),
          new PartitionLedger.Listener() {
            @Override
            public void onAcked(InFlightRecord record) {
              acked.countDown();
            }

            @Override
            public void onResent(InFlightRecord record, Exception error) {}

            @Override
            public void onUndeliverable(PartitionLedger halted, InFlightRecord record, Exception error) {}
          });
      var record = ledger.add(new ConsumerRecord<>("requests", 0, 0, new byte[0], new byte[0]));

      var callbackThread = Thread.ofPlatform().name("grpc-callback").start(
          () -> ledger.complete(record, new ProducerRecord<>("answers", new byte[] {1})));
      callbackThread.join(TimeUnit.SECONDS.toMillis(30));

      assertFalse(callbackThread.isAlive(), "the scoring callback waited for the producer");
      assertEquals("answer-sender", producer.sendingThreads.poll(30, TimeUnit.SECONDS));
      assertFalse(record.isAcked());
      producer.release.countDown();
      assertTrue(acked.await(30, TimeUnit.SECONDS), "sent once the producer unblocks");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void sendThatThrows_isReportedThroughItsCallback() throws Exception {
    var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producer.sendException = new TimeoutException("metadata not available after max.block.ms");
    var errors = new LinkedBlockingQueue<Exception>();
    try (var sender = new AnswerSender(producer, "answer-sender")) {
      sender.send(new ProducerRecord<>("answers", new byte[] {1}), (metadata, error) -> errors.add(error));

      assertInstanceOf(TimeoutException.class, errors.poll(30, TimeUnit.SECONDS));
    }
  }
}
