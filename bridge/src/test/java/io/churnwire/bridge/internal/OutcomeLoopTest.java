package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.UndeliverablePolicy;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error paths of the outcomes loop that a real broker does not produce on demand, against Kafka's
 * {@link MockConsumer} and {@link MockProducer} and a recorder standing in for the server; the
 * broker and a real gRPC server are exercised in {@code OutcomesEndToEndTest}.
 */
class OutcomeLoopTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final TopicPartition P0 = new TopicPartition("outcomes", 0);
  private static final TopicPartition P1 = new TopicPartition("outcomes", 1);

  /** A MockConsumer whose empty polls wait a little, as a real one does, and which remembers its commits. */
  private static final class PacedConsumer extends MockConsumer<byte[], byte[]> {
    final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

    PacedConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      super.commitSync(offsets);
      offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
      if (records.isEmpty() && !timeout.isZero()) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return records;
    }
  }

  private final PacedConsumer consumer = new PacedConsumer();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final BridgeCounters counters = new BridgeCounters();
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private OutcomeLoop loop;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (loop != null) {
      loop.stop();
      loop.awaitFinished(WAIT);
    }
  }

  private static BridgeConfig config(UndeliverablePolicy policy) {
    return BridgeConfig.defaults()
        .withTopics("requests", "answers", "requests.dlq")
        .withOutcomes("outcomes", 500)
        .withRetryBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
        .withDrainTimeout(Duration.ofMillis(200))
        .withOnUndeliverable(policy);
  }

  /** Starts the loop on both partitions, recording with {@code recorder} after noting each batch's customers. */
  private void start(BridgeConfig config, OutcomeLoop.Recorder recorder) {
    loop = new OutcomeLoop(config, () -> consumer, producer, request -> {
      batches.add(request.getOutcomesList().stream().map(Outcome::getCustomerId).toList());
      return recorder.record(request);
    }, counters);
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0, P1));
      consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    });
    Thread.ofPlatform().name("test-outcomes").start(loop);
  }

  /** Offset 0 of P0 and of P1, for one poll. */
  private void outcomes(String onP0, String onP1) {
    consumer.schedulePollTask(() -> {
      consumer.addRecord(record(P0, onP0));
      consumer.addRecord(record(P1, onP1));
    });
  }

  private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, String customerId) {
    byte[] value = Outcome.newBuilder().setCustomerId(customerId).setChurned(true)
        .setObserveTime(Timestamp.newBuilder().setSeconds(1_796_040_000L)).build().toByteArray();
    return new ConsumerRecord<>(partition.topic(), partition.partition(), 0, customerId.getBytes(), value);
  }

  private static RecordOutcomesResponse accepted(RecordOutcomesRequest request) {
    return RecordOutcomesResponse.newBuilder().setRecordedCount(request.getOutcomesCount()).build();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + WAIT);
      Thread.sleep(5);
    }
  }

  @Test
  void partitionRevokedDuringAnOutage_isNotRecordedOrCommittedHere_andTheOthersAreOnceTheServerIsBack()
      throws Exception {
    var serverBack = new AtomicBoolean();
    start(config(UndeliverablePolicy.PAUSE), request -> {
      if (!serverBack.get()) {
        throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
      }
      return accepted(request);
    });
    outcomes("cust-0", "cust-1");

    awaitTrue(() -> batches.size() >= 2, "the batch retried");
    assertEquals(List.of("cust-0", "cust-1"), batches.getFirst().stream().sorted().toList());
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
    awaitTrue(() -> batches.getLast().equals(List.of("cust-1")),
        "after p0 is revoked its outcome is left to its next owner: " + batches);
    serverBack.set(true);

    awaitTrue(() -> Long.valueOf(1).equals(consumer.commits.get(P1)), "p1 committed once recorded");
    assertEquals(List.of("cust-1"), batches.getLast());
    consumer.schedulePollTask(() -> consumer.addRecord(
        new ConsumerRecord<>(P1.topic(), P1.partition(), 1, "cust-2".getBytes(), record(P1, "cust-2").value())));
    awaitTrue(() -> Long.valueOf(2).equals(consumer.commits.get(P1)), "the loop goes on with the next poll");
    assertNull(consumer.commits.get(P0), "nor committed here");
    assertEquals(2, counters.outcomesRecorded.get());
    assertTrue(counters.outcomeRetries.get() >= 1);
    assertNull(loop.failure());
  }

  @Test
  void deadLetterTheBrokerRefuses_givesTheOutcomesUp_committingNothing_andWithExitStopsTheLoop() throws Exception {
    producer.sendException = new TopicAuthorizationException("not allowed to write to requests.dlq");
    start(config(UndeliverablePolicy.EXIT), OutcomeLoopTest::accepted);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>(P0.topic(), P0.partition(), 0, "cust-x".getBytes(),
          new byte[] {(byte) 0xff, 0x01}));
      consumer.addRecord(record(P1, "cust-1"));
    });

    assertTrue(loop.awaitFinished(WAIT), "the loop stops by itself");
    assertInstanceOf(TopicAuthorizationException.class, loop.failure());
    assertEquals(1, counters.outcomesHalted.get());
    assertEquals(List.of(List.of("cust-1")), batches, "the valid outcome was recorded");
    assertTrue(consumer.commits.isEmpty(), "yet nothing of the poll is committed: " + consumer.commits);
  }
}
