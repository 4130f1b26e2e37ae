package io.churnwire.bridge.internal;

import com.google.rpc.Status;
import io.churnwire.bridge.BridgeConfig;
import io.churnwire.v1.PredictResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: polls requests, hands them to scoring, pauses while the in-flight bound is
 * reached, commits acknowledged offsets, and drains on rebalance and stop.
 *
 * <p>Only this thread touches the consumer, as Kafka requires. Scoring answers arrive on gRPC
 * threads and go straight to the partition's {@link PartitionLedger}, which sends them in offset
 * order; this thread only reaps what the broker acknowledged and commits it. The consumer keeps
 * polling (with its partitions paused) while saturated, so it stays in the group and takes part in
 * rebalances however slow scoring is.
 */
public final class BridgeLoop implements Runnable, ScoringStream.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final BridgeConfig config;
  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final Producer<byte[], byte[]> producer;
  private final BridgeCounters counters;
  private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();
  private final AtomicLong acks = new AtomicLong();
  private final Object progress = new Object();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean waiting;
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile Set<TopicPartition> assignment = Set.of();
  private volatile boolean paused;
  private ScoringStream scoring;
  private Consumer<byte[], byte[]> consumer;
  private long lastCommitNanos = System.nanoTime();

  /**
   * @param consumerFactory creates the consumer on the loop's own thread
   * @param producer shared producer of answers; closed by the caller after the loop finished
   */
  public BridgeLoop(BridgeConfig config, Supplier<Consumer<byte[], byte[]>> consumerFactory,
      Producer<byte[], byte[]> producer, BridgeCounters counters) {
    this.config = config;
    this.consumerFactory = consumerFactory;
    this.producer = producer;
    this.counters = counters;
  }

  /** Connects the scoring stream; must be called once before {@link #run()}. */
  public void scoreWith(ScoringStream stream) {
    this.scoring = stream;
  }

  /** Asks the loop to stop polling, finish its in-flight records, commit and close the consumer. */
  public void stop() {
    if (!stopping) {
      stopDeadlineNanos = System.nanoTime() + config.drainTimeout().toNanos();
      stopping = true;
    }
    wakeWaiter();
  }

  /** Waits until the loop has closed its consumer. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The error that stopped the loop, if one did. */
  public Throwable failure() {
    return fatal.get();
  }

  /** The partitions this instance currently owns. */
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  /** True while the consumer's partitions are paused because the in-flight bound is reached. */
  public boolean paused() {
    return paused;
  }

  @Override
  public void run() {
    try (var kafkaConsumer = consumerFactory.get()) {
      consumer = kafkaConsumer;
      producer.partitionsFor(config.responseTopic());
      producer.partitionsFor(config.deadLetterTopic());
      consumer.subscribe(List.of(config.requestTopic()), new Rebalance());
      while (!stopping && fatal.get() == null) {
        long seen = acks.get();
        reap();
        maybeCommit(false);
        boolean room = config.maxInFlight() - counters.inFlight.get() >= config.effectiveMaxPollRecords();
        pause(!room);
        for (var record : consumer.poll(room ? POLL_TIMEOUT : Duration.ZERO)) {
          admit(record);
        }
        if (!room) {
          awaitProgress(seen, POLL_TIMEOUT);
        }
      }
      drainBeforeClose();
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      fatal.compareAndSet(null, e);
      LOG.error("Bridge loop stopped by an error", e);
    } finally {
      consumer = null;
      assignment = Set.of();
      finished.countDown();
    }
  }

  private void admit(ConsumerRecord<byte[], byte[]> source) {
    var partition = new TopicPartition(source.topic(), source.partition());
    PartitionLedger ledger = ledgers.computeIfAbsent(partition, this::newLedger);
    InFlightRecord record = ledger.add(source);
    int inFlight = counters.inFlight.incrementAndGet();
    counters.maxInFlightSeen.accumulateAndGet(inFlight, Math::max);
    RecordCodec.Decoded decoded;
    try {
      decoded = RecordCodec.decode(source.value(), source.headers());
    } catch (RecordCodec.DecodeException e) {
      String correlationId = AnswerRecords.correlationId(source, null);
      record.describeAnswer(null, correlationId);
      LOG.warn("Dead-lettering {}: {}", record.describe(), e.getMessage());
      ledger.complete(record, AnswerRecords.deadLetter(config.deadLetterTopic(), source, correlationId,
          e.code(), e.getMessage(), null));
      return;
    }
    record.describeAnswer(decoded.encoding(), AnswerRecords.correlationId(source, decoded.request().getRequestId()));
    scoring.submit(record, decoded.request());
  }

  @Override
  public void onScored(InFlightRecord record, PredictResponse response) {
    PartitionLedger ledger = ledgers.get(record.partition());
    if (ledger != null) {
      ledger.complete(record, AnswerRecords.response(config.responseTopic(), record.source(),
          record.correlationId(), response, record.encoding()));
    }
  }

  @Override
  public void onRejected(InFlightRecord record, Status status) {
    PartitionLedger ledger = ledgers.get(record.partition());
    if (ledger != null) {
      LOG.warn("Dead-lettering {}: server answered {}", record.describe(), status.getMessage());
      ledger.complete(record, AnswerRecords.rejected(config.deadLetterTopic(), record.source(),
          record.correlationId(), status));
    }
  }

  private PartitionLedger newLedger(TopicPartition partition) {
    return new PartitionLedger(partition, producer::send, this::onAck);
  }

  private void onAck(InFlightRecord record, Exception error) {
    if (error != null) {
      if (fatal.compareAndSet(null, error)) {
        LOG.error("The broker did not accept the answer to {}; stopping without committing it",
            record.describe(), error);
      }
    } else if (config.deadLetterTopic().equals(record.output().topic())) {
      counters.deadLettered.incrementAndGet();
    } else {
      counters.answered.incrementAndGet();
    }
    acks.incrementAndGet();
    if (waiting) {
      wakeWaiter();
    }
  }

  private void wakeWaiter() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /** Waits until some answer is acknowledged after {@code seen}, an error, or the timeout. */
  private void awaitProgress(long seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      waiting = true;
      try {
        long remaining;
        while (acks.get() == seen && fatal.get() == null && (remaining = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(progress, remaining);
        }
      } finally {
        waiting = false;
      }
    }
  }

  private void reap() {
    for (PartitionLedger ledger : ledgers.values()) {
      int reaped = ledger.reapAcked();
      if (reaped > 0) {
        counters.inFlight.addAndGet(-reaped);
      }
    }
  }

  private void pause(boolean pause) {
    if (pause && !paused) {
      consumer.pause(consumer.assignment());
      counters.pauses.incrementAndGet();
      paused = true;
    } else if (!pause && paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> offsetsToCommit(Collection<TopicPartition> partitions) {
    var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
    for (TopicPartition partition : partitions) {
      PartitionLedger ledger = ledgers.get(partition);
      if (ledger == null) {
        continue;
      }
      long offset = ledger.committableOffset();
      if (offset >= 0 && !Long.valueOf(offset).equals(lastCommitted.get(partition))) {
        offsets.put(partition, new OffsetAndMetadata(offset));
      }
    }
    return offsets;
  }

  private void maybeCommit(boolean sync) {
    long now = System.nanoTime();
    if (!sync && now - lastCommitNanos < config.commitInterval().toNanos()) {
      return;
    }
    lastCommitNanos = now;
    commit(offsetsToCommit(ledgers.keySet()), sync);
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
    if (offsets.isEmpty()) {
      return;
    }
    offsets.forEach((partition, offset) -> lastCommitted.put(partition, offset.offset()));
    if (sync) {
      try {
        consumer.commitSync(offsets);
        counters.commits.incrementAndGet();
      } catch (RuntimeException e) {
        offsets.keySet().forEach(lastCommitted::remove);
        LOG.warn("Committing {} failed; those records will be answered again by their next owner", offsets, e);
      }
    } else {
      consumer.commitAsync(offsets, (committed, error) -> {
        if (error == null) {
          counters.commits.incrementAndGet();
        } else {
          committed.keySet().forEach(lastCommitted::remove);
          LOG.warn("Committing {} failed; retrying with the next commit", committed, error);
        }
      });
    }
  }

  /** Waits until the given partitions have no unacknowledged records, or the deadline passes. */
  private void drain(Collection<TopicPartition> partitions, long deadlineNanos) throws InterruptedException {
    while (fatal.get() == null) {
      long seen = acks.get();
      reap();
      int left = 0;
      for (TopicPartition partition : partitions) {
        PartitionLedger ledger = ledgers.get(partition);
        left += ledger == null ? 0 : ledger.size();
      }
      long remaining = deadlineNanos - System.nanoTime();
      if (left == 0 || remaining <= 0) {
        if (left > 0) {
          LOG.warn("{} records of {} still unanswered after the drain timeout; their next owner answers them",
              left, partitions);
        }
        return;
      }
      awaitProgress(seen, Duration.ofNanos(Math.min(remaining, POLL_TIMEOUT.toNanos())));
    }
  }

  private void drainBeforeClose() throws InterruptedException {
    pause(true);
    while (fatal.get() == null) {
      long seen = acks.get();
      reap();
      if (counters.inFlight.get() == 0 || System.nanoTime() > stopDeadlineNanos) {
        break;
      }
      consumer.poll(Duration.ZERO);
      awaitProgress(seen, POLL_TIMEOUT);
    }
    commit(offsetsToCommit(ledgers.keySet()), true);
    LOG.info("Bridge stopped: {} answered, {} dead-lettered, {} left to the next owner",
        counters.answered.get(), counters.deadLettered.get(), counters.inFlight.get());
  }

  private void release(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      PartitionLedger ledger = ledgers.remove(partition);
      if (ledger != null) {
        counters.inFlight.addAndGet(-ledger.abandon());
      }
      lastCommitted.remove(partition);
    }
    assignment = Set.copyOf(consumer.assignment());
  }

  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        ledgers.computeIfAbsent(partition, BridgeLoop.this::newLedger);
      }
      if (paused && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      assignment = Set.copyOf(consumer.assignment());
      if (!partitions.isEmpty()) {
        LOG.info("Assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      try {
        drain(partitions, stopping ? stopDeadlineNanos : System.nanoTime() + config.drainTimeout().toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reap();
      commit(offsetsToCommit(partitions), true);
      release(partitions);
      LOG.info("Revoked {} after committing what was answered", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions);
      LOG.warn("Lost {} without committing; their next owner answers the uncommitted records", partitions);
    }
  }
}
