package io.churnwire.bridge.internal;

import com.google.rpc.Status;
import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.bridge.UndeliverablePolicy;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: polls requests, hands them to scoring, pauses while the in-flight bound is
 * reached, commits acknowledged offsets, drains on rebalance and stop, and gives up partitions
 * whose answers cannot be delivered.
 *
 * <p>Only this thread touches the consumer, as Kafka requires. Scoring answers arrive on gRPC
 * threads and go straight to the partition's {@link PartitionLedger}, which queues them in offset
 * order for the {@link AnswerSender}; this thread only reaps what the broker acknowledged and
 * commits it. The consumer keeps polling (with its partitions paused) while saturated, so it stays
 * in the group and takes part in rebalances however slow scoring is.
 *
 * <p>A partition whose answer cannot be delivered (a fatal producer error, or retriable ones past
 * {@code produce-attempts}) is halted: what was acknowledged before that record is committed,
 * nothing after it, its other in-flight records are dropped and it stays paused, so its records
 * wait in Kafka for a restart or another owner. The error is logged once. With
 * {@link UndeliverablePolicy#PAUSE} the other partitions keep flowing; with
 * {@link UndeliverablePolicy#EXIT} the loop then stops gracefully and reports the failure.
 */
public final class BridgeLoop implements Runnable, Scorer.Listener, PartitionLedger.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  /** How often the consumer's lag and paused partitions are sampled for the metrics. */
  private static final Duration SAMPLE_PERIOD = Duration.ofMillis(500);

  private final BridgeConfig config;
  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final Producer<byte[], byte[]> producer;
  private final Delivery delivery;
  private final BridgeCounters counters;
  private final BridgeMetrics metrics;
  private final RecordTracing tracing;
  private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();
  private final AtomicReference<Throwable> undeliverable = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Halt> halts = new ConcurrentLinkedQueue<>();
  private final Map<TopicPartition, Halt> halted = new ConcurrentHashMap<>();
  private final AtomicLong acks = new AtomicLong();
  private final Object progress = new Object();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean waiting;
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile Set<TopicPartition> assignment = Set.of();
  private volatile boolean paused;
  private Scorer scoring;
  private Consumer<byte[], byte[]> consumer;
  private long lastCommitNanos = System.nanoTime();
  private long lastSampleNanos = System.nanoTime() - SAMPLE_PERIOD.toNanos();

  /** A partition given up because the answer to {@code record} could not be delivered. */
  private record Halt(PartitionLedger ledger, InFlightRecord record, Exception error) {}

  /**
   * @param consumerFactory creates the consumer on the loop's own thread
   * @param producer shared producer of answers, asked here only for the topics' metadata; closed by
   *     the caller after the loop finished
   * @param delivery how answers reach that producer
   * @param metrics where end-to-end times go; observes {@code counters}
   * @param tracing gives each record its request id and trace context
   */
  public BridgeLoop(BridgeConfig config, Supplier<Consumer<byte[], byte[]>> consumerFactory,
      Producer<byte[], byte[]> producer, Delivery delivery, BridgeCounters counters, BridgeMetrics metrics,
      RecordTracing tracing) {
    this.config = config;
    this.consumerFactory = consumerFactory;
    this.producer = producer;
    this.delivery = delivery;
    this.counters = counters;
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** Connects the scorer; must be called once before {@link #run()}. */
  public void scoreWith(Scorer scorer) {
    this.scoring = scorer;
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

  /** The error that stopped the loop, or the undeliverable answer that made it stop, if any. */
  public Throwable failure() {
    Throwable error = fatal.get();
    return error != null ? error : undeliverable.get();
  }

  /** The partitions given up because an answer could not be delivered, with that answer's error. */
  public Map<TopicPartition, String> halted() {
    var view = new HashMap<TopicPartition, String>();
    halted.forEach((partition, halt) -> view.put(partition, halt.record().describe() + ": " + halt.error()));
    return Map.copyOf(view);
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
        haltUndeliverable();
        reap();
        maybeCommit(false);
        boolean room = config.maxInFlight() - counters.inFlight.get() >= config.effectiveMaxPollRecords();
        pause(!room);
        for (var record : consumer.poll(room ? POLL_TIMEOUT : Duration.ZERO)) {
          admit(record);
        }
        scoring.flush();
        sampleConsumer();
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
    if (halted.containsKey(partition)) {
      return;
    }
    PartitionLedger ledger = ledgers.computeIfAbsent(partition, this::newLedger);
    InFlightRecord record = ledger.add(source);
    int inFlight = counters.inFlight.incrementAndGet();
    counters.maxInFlightSeen.accumulateAndGet(inFlight, Math::max);
    RecordCodec.Decoded decoded;
    try {
      decoded = RecordCodec.decode(source.value(), source.headers());
    } catch (RecordCodec.DecodeException e) {
      record.trace(tracing.start(source, RecordTracing.requestId(source, null)));
      String correlationId = AnswerRecords.correlationId(source, null);
      record.describeAnswer(null, correlationId);
      try (Scope scope = record.trace().enter()) {
        LOG.warn("Dead-lettering {}: {}", record.describe(), e.getMessage());
      }
      complete(ledger, record, AnswerRecords.deadLetter(config.deadLetterTopic(), source, correlationId,
          new DeadLetterCause(BridgeHeaders.REASON_UNDECODABLE, e.code(), e.getMessage(), "", 0)));
      return;
    }
    PredictRequest request = decoded.request();
    String requestId = RecordTracing.requestId(source, request.getRequestId());
    record.trace(tracing.start(source, requestId));
    record.describeAnswer(decoded.encoding(), AnswerRecords.correlationId(source, request.getRequestId()));
    scoring.submit(record, requestId.equals(request.getRequestId()) ? request
        : request.toBuilder().setRequestId(requestId).build());
  }

  /** Queues the answer on its ledger, carrying the record's request id and trace context. */
  private static void complete(PartitionLedger ledger, InFlightRecord record, ProducerRecord<byte[], byte[]> answer) {
    ledger.complete(record, AnswerRecords.identified(answer, record));
  }

  /**
   * Samples what only the consumer knows for the metrics, at most every {@link #SAMPLE_PERIOD}:
   * each assigned partition's lag (when the consumer knows it) and how many partitions are paused.
   */
  private void sampleConsumer() {
    long now = System.nanoTime();
    if (now - lastSampleNanos < SAMPLE_PERIOD.toNanos()) {
      return;
    }
    lastSampleNanos = now;
    var lag = new HashMap<TopicPartition, Long>();
    for (TopicPartition partition : consumer.assignment()) {
      consumer.currentLag(partition).ifPresent(records -> lag.put(partition, records));
    }
    counters.consumerLag = Map.copyOf(lag);
    counters.pausedPartitions.set(consumer.paused().size());
  }

  @Override
  public void onScored(InFlightRecord record, PredictResponse response) {
    PartitionLedger ledger = ledgers.get(record.partition());
    if (ledger != null) {
      complete(ledger, record, AnswerRecords.response(config.responseTopic(), record.source(),
          record.correlationId(), response, record.encoding()));
    }
  }

  @Override
  public void onFailed(InFlightRecord record, Status status, String reason, int attempts) {
    PartitionLedger ledger = ledgers.get(record.partition());
    if (ledger != null) {
      try (Scope scope = record.trace().enter()) {
        LOG.warn("Dead-lettering {} ({} after {} attempts): server answered {}", record.describe(), reason, attempts,
            status.getMessage());
      }
      complete(ledger, record, AnswerRecords.rejected(config.deadLetterTopic(), record.source(),
          record.correlationId(), status, reason, attempts));
    }
  }

  private PartitionLedger newLedger(TopicPartition partition) {
    return new PartitionLedger(partition, delivery, this);
  }

  @Override
  public void onAcked(InFlightRecord record) {
    ProducerRecord<byte[], byte[]> answer = record.output();
    if (config.deadLetterTopic().equals(answer.topic())) {
      String reason = headerOr(answer, BridgeHeaders.REASON);
      BridgeCounters.increment(counters.deadLetteredByReason, reason);
      BridgeCounters.increment(counters.deadLetteredByCode, headerOr(answer, BridgeHeaders.ERROR_CODE));
      counters.deadLettered.incrementAndGet();
      if (answer.headers().lastHeader(BridgeHeaders.TRUNCATED) != null) {
        counters.truncated.incrementAndGet();
      }
      record.trace().answered(reason);
    } else {
      counters.answered.incrementAndGet();
      record.trace().answered(null);
    }
    metrics.answered(record, System.currentTimeMillis());
    acks.incrementAndGet();
    if (waiting) {
      wakeWaiter();
    }
  }

  private static String headerOr(ProducerRecord<byte[], byte[]> answer, String name) {
    String value = RecordCodec.lastHeader(answer.headers(), name);
    return value == null || value.isEmpty() ? "UNKNOWN" : value;
  }

  @Override
  public void onResent(InFlightRecord record, Exception error) {
    counters.produceRetries.incrementAndGet();
  }

  @Override
  public void onUndeliverable(PartitionLedger ledger, InFlightRecord record, Exception error) {
    halts.add(new Halt(ledger, record, error));
    acks.incrementAndGet();
    wakeWaiter();
  }

  /**
   * Halts the partitions whose answers could not be delivered: commits what was acknowledged
   * before the failed record, drops the rest and keeps the partition paused. Runs on this thread.
   */
  private void haltUndeliverable() {
    Halt halt;
    while ((halt = halts.poll()) != null) {
      TopicPartition partition = halt.ledger().partition();
      if (ledgers.get(partition) != halt.ledger()) {
        continue;
      }
      halt.ledger().reapAcked();
      commit(offsetsToCommit(List.of(partition)), true);
      ledgers.remove(partition);
      counters.inFlight.addAndGet(-halt.ledger().abandon());
      halted.put(partition, halt);
      counters.halted.set(halted.size());
      consumer.pause(List.of(partition));
      boolean exit = config.onUndeliverable() == UndeliverablePolicy.EXIT;
      try (Scope scope = halt.record().trace().enter()) {
        LOG.error("Giving up partition {}: the answer to {} cannot be delivered ({}); nothing from offset {} on is "
                + "committed and the partition stays paused until it is reassigned or the bridge restarts; {}",
            partition, halt.record().describe(), halt.error().toString(), halt.record().offset(),
            exit ? "stopping the bridge (on-undeliverable=exit)" : "the other partitions keep flowing");
      }
      if (exit) {
        undeliverable.compareAndSet(null, halt.error());
        stop();
      }
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
      var resumed = new HashSet<>(consumer.paused());
      resumed.removeAll(halted.keySet());
      consumer.resume(resumed);
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
      haltUndeliverable();
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
      haltUndeliverable();
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
      halted.remove(partition);
    }
    counters.halted.set(halted.size());
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
