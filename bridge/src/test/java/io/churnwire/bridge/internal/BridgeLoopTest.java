package io.churnwire.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.bridge.UndeliverablePolicy;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop's answer to producer failures, against Kafka's {@link MockConsumer} and
 * {@link MockProducer} (whose sends the test completes or fails one by one) and a scorer that
 * answers at once; the real broker is exercised in {@code KafkaBridgeEndToEndTest}.
 */
class BridgeLoopTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final TopicPartition P0 = new TopicPartition("requests", 0);
  private static final TopicPartition P1 = new TopicPartition("requests", 1);

  /**
   * A MockConsumer whose empty polls wait a little, as a real one does, so the loop does not spin,
   * and which remembers its commits after it was closed.
   */
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
    public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
        OffsetCommitCallback callback) {
      super.commitAsync(offsets, callback);
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
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final BridgeCounters counters = new BridgeCounters();
  /** How many times each correlation id has been sent so far. */
  private final Map<String, Integer> sends = new ConcurrentHashMap<>();
  private AnswerSender sender;
  private BridgeLoop loop;
  private Thread loopThread;
  private volatile boolean responding = true;
  private Thread responder;

  @AfterEach
  void tearDown() throws InterruptedException {
    responding = false;
    if (loop != null) {
      loop.stop();
      loop.awaitFinished(WAIT);
    }
    if (responder != null) {
      responder.join(WAIT.toMillis());
    }
    if (sender != null) {
      sender.close();
    }
    scheduler.shutdownNow();
  }

  private static BridgeConfig config(int produceAttempts, UndeliverablePolicy policy) {
    return BridgeConfig.defaults()
        .withTopics("requests", "answers", "requests.dlq")
        .withCommitInterval(Duration.ofMillis(10))
        .withRetryBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
        .withProduceBound(produceAttempts, 1_048_576)
        .withOnUndeliverable(policy);
  }

  /**
   * Starts the loop on two assigned partitions; {@code outcome} decides each send of the producer
   * from the answer's correlation id and how many times it was sent: null succeeds, else the error.
   */
  private void start(BridgeConfig config, Function<String, RuntimeException> outcome) {
    sender = new AnswerSender(producer, "test-sender");
    var delivery = new Delivery(sender, config.produceAttempts(), new Backoff(config.retryInitial(), config.retryMax()),
        scheduler, new AnswerSizeLimit(config.maxRequestSize(), config.deadLetterTopic()));
    loop = new BridgeLoop(config, () -> consumer, producer, delivery, counters, BridgeMetrics.unobserved(counters),
        RecordTracing.passThrough(config.groupId()));
    loop.scoreWith((record, request) -> loop.onScored(record,
        PredictResponse.newBuilder().setRequestId(request.getRequestId()).build()));
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0, P1));
      consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    });
    responder = Thread.ofPlatform().name("test-responder").start(() -> respond(outcome));
    loopThread = Thread.ofPlatform().name("test-loop").start(loop);
  }

  /** Completes the producer's sends in order, as the broker would, by {@code outcome}. */
  private void respond(Function<String, RuntimeException> outcome) {
    int completed = 0;
    while (responding) {
      List<ProducerRecord<byte[], byte[]>> history = producer.history();
      while (completed < history.size()) {
        String id = RecordCodec.lastHeader(history.get(completed).headers(), BridgeHeaders.CORRELATION_ID);
        int attempt = sends.merge(id, 1, Integer::sum);
        RuntimeException error = outcome.apply(id + "#" + attempt);
        if (error == null) {
          producer.completeNext();
        } else {
          producer.errorNext(error);
        }
        completed++;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void request(TopicPartition partition, long offset, String requestId) {
    byte[] value = PredictRequest.newBuilder().setRequestId(requestId).build().toByteArray();
    consumer.schedulePollTask(() -> consumer.addRecord(
        new ConsumerRecord<>(partition.topic(), partition.partition(), offset, new byte[0], value)));
  }

  private Long committed(TopicPartition partition) {
    return consumer.commits.get(partition);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + WAIT);
      Thread.sleep(5);
    }
  }

  @Test
  void retriableProduceFailure_isResent_whileTheOtherPartitionIsAnsweredAndCommitted() throws Exception {
    var brokerBack = new AtomicBoolean();
    start(config(1_000, UndeliverablePolicy.PAUSE),
        send -> send.startsWith("a0#") && !brokerBack.get() ? new TimeoutException("expired in the accumulator") : null);

    request(P0, 0, "a0");
    request(P1, 0, "b0");

    awaitTrue(() -> Long.valueOf(1).equals(committed(P1)), "p1 committed while p0's answer is being resent");
    awaitTrue(() -> sends.getOrDefault("a0", 0) >= 2, "p0's answer resent");
    assertNull(committed(P0), "nothing is committed past an undelivered answer");
    brokerBack.set(true);
    awaitTrue(() -> Long.valueOf(1).equals(committed(P0)), "p0 committed after a resend succeeded");
    assertTrue(counters.produceRetries.get() >= 1);
    assertTrue(loop.halted().isEmpty());
    assertNull(loop.failure());
  }

  @Test
  void produceRetriesExhausted_haltsThatPartitionCommittingNothingPastIt_whileTheOtherKeepsFlowing()
      throws Exception {
    start(config(2, UndeliverablePolicy.PAUSE),
        send -> send.startsWith("a1#") ? new TimeoutException("broker unreachable") : null);

    request(P0, 0, "a0");
    request(P0, 1, "a1");
    request(P0, 2, "a2");
    request(P1, 0, "b0");

    awaitTrue(() -> loop.halted().containsKey(P0), "p0 halted");
    awaitTrue(() -> Long.valueOf(1).equals(committed(P0)), "p0 committed up to the undelivered record");
    assertTrue(consumer.paused().contains(P0), "the halted partition is paused");
    assertTrue(loop.halted().get(P0).startsWith("requests-0-1: "), loop.halted().toString());
    assertEquals(2, sends.get("a1"), "sent produce-attempts times");

    request(P1, 1, "b1");
    request(P0, 3, "a3");
    awaitTrue(() -> Long.valueOf(2).equals(committed(P1)), "p1 still answered and committed");
    assertEquals(1L, committed(P0), "nothing past the undelivered record is committed");
    assertNull(sends.get("a3"), "the halted partition's later records are not answered");
    assertTrue(consumer.paused().contains(P0));
    assertTrue(loopThread.isAlive(), "the bridge keeps running");
    assertNull(loop.failure());
    assertEquals(0, counters.inFlight.get(), "the halted partition's records no longer hold in-flight room");
  }

  @Test
  void fatalProduceError_withExitPolicy_isNotResent_andStopsTheLoopAfterTheOthersCommitted() throws Exception {
    var denied = new TopicAuthorizationException("not allowed to write to answers");
    start(config(5, UndeliverablePolicy.EXIT), send -> send.startsWith("a0#") ? denied : null);

    request(P1, 0, "b0");
    awaitTrue(() -> Long.valueOf(1).equals(committed(P1)), "p1 answered");
    request(P0, 0, "a0");

    assertTrue(loop.awaitFinished(WAIT), "the loop stops by itself");
    assertInstanceOf(TopicAuthorizationException.class, loop.failure());
    assertEquals(1, sends.get("a0"), "a fatal error is not retried");
    assertNull(committed(P0));
    assertEquals(1L, committed(P1));
  }
}
