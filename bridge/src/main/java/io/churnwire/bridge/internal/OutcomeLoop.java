package io.churnwire.bridge.internal;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeConfig;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.bridge.UndeliverablePolicy;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import io.grpc.Channel;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcomes consumer's thread: polls {@code Outcome} records, records them on the server in
 * {@code RecordOutcomes} batches, dead-letters the ones it cannot, and commits a poll's offsets
 * only once every record of it was accepted by the server or its dead letter acknowledged by the
 * broker. At-least-once: a crash, a revocation or a failed commit means the outcomes since the
 * last commit are recorded again, which the server counts as duplicates.
 *
 * <p>One poll is handled whole before the next, in offset order, so outcomes of one key are
 * recorded in the order they were published and nothing is committed past a record still in
 * doubt. Per answer of the server:
 *
 * <ul>
 *   <li>{@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED}, {@code ABORTED}:
 *       the batch is sent again after a backoff (or the server's {@code RetryInfo} delay), for as
 *       long as it takes; meanwhile the partitions are paused and the consumer keeps polling, so it
 *       stays in its group;
 *   <li>{@code INVALID_ARGUMENT} naming outcomes ({@code outcomes[i]...}): the server recorded
 *       nothing; those outcomes are dead-lettered ({@code REJECTED}, with their violations) and the
 *       rest is sent again; naming only the batch (larger than the server takes): sent again in
 *       halves, and a single outcome still refused is dead-lettered;
 *   <li>any other code ({@code FAILED_PRECONDITION} with the history off, {@code PERMISSION_DENIED},
 *       {@code UNIMPLEMENTED}, ...): the server cannot record outcomes, whatever they hold, so they
 *       are not dead-lettered: the outcomes are given up like an undeliverable answer
 *       ({@link UndeliverablePolicy}): nothing more is committed, the partitions stay paused until the
 *       bridge restarts, and with {@code exit} the bridge stops.
 * </ul>
 *
 * <p>A record that is not an {@code Outcome} in its content type is dead-lettered
 * ({@code UNDECODABLE}). A dead letter the broker refuses is sent again like an answer (smaller
 * when too large, up to {@code produce-attempts} after retriable errors); one that cannot be
 * delivered gives the outcomes up the same way.
 */
public final class OutcomeLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration SAMPLE_PERIOD = Duration.ofMillis(500);
  private static final Set<Code> TRANSIENT =
      Set.of(Code.UNAVAILABLE, Code.RESOURCE_EXHAUSTED, Code.DEADLINE_EXCEEDED, Code.ABORTED);

  /** One {@code RecordOutcomes} call; fails with the call's {@code StatusRuntimeException}. */
  @FunctionalInterface
  public interface Recorder {
    /** Records the batch on the server, or throws the server's error. */
    RecordOutcomesResponse record(RecordOutcomesRequest request);

    /** The server's {@code ChurnMonitoringService} on {@code channel}, each call marked as Kafka's and bounded by {@code deadline}. */
    static Recorder grpc(Channel channel, Duration deadline) {
      var stub = ChurnMonitoringServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(BatchScorer.viaKafka()));
      return request -> stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).recordOutcomes(request);
    }
  }

  /** A decoded record waiting to be recorded, with the calls it was sent in so far. */
  private static final class Pending {
    final ConsumerRecord<byte[], byte[]> source;
    final TopicPartition partition;
    final Outcome outcome;
    int attempts;

    Pending(ConsumerRecord<byte[], byte[]> source, Outcome outcome) {
      this.source = source;
      this.partition = new TopicPartition(source.topic(), source.partition());
      this.outcome = outcome;
    }
  }

  /** A dead letter to deliver before the poll is committed. */
  private record DeadLetter(TopicPartition partition, InFlightRecord record, ProducerRecord<byte[], byte[]> letter,
      String reason) {}

  private final BridgeConfig config;
  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final Producer<byte[], byte[]> producer;
  private final Recorder recorder;
  private final Backoff backoff;
  private final BridgeCounters counters;
  private final AnswerSizeLimit sizeLimit;
  private final Set<TopicPartition> revoked = new HashSet<>();
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();
  private final AtomicReference<Throwable> undeliverable = new AtomicReference<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String halted;
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile Set<TopicPartition> assignment = Set.of();
  private boolean working;
  /** The batch size to send: {@code outcomes-batch-size}, or less once the server refused a batch as too large. */
  private int batchLimit;
  private Consumer<byte[], byte[]> consumer;
  private long lastSampleNanos = System.nanoTime() - SAMPLE_PERIOD.toNanos();

  /**
   * @param consumerFactory creates the outcomes consumer on the loop's own thread
   * @param producer shared producer of dead letters; closed by the caller after the loop finished
   * @param recorder sends a batch to the server
   */
  public OutcomeLoop(BridgeConfig config, Supplier<Consumer<byte[], byte[]>> consumerFactory,
      Producer<byte[], byte[]> producer, Recorder recorder, BridgeCounters counters) {
    this.config = config;
    this.consumerFactory = consumerFactory;
    this.producer = producer;
    this.recorder = recorder;
    this.backoff = new Backoff(config.retryInitial(), config.retryMax());
    this.counters = counters;
    this.sizeLimit = new AnswerSizeLimit(config.maxRequestSize(), config.deadLetterTopic());
    this.batchLimit = config.outcomesBatchSize();
  }

  /** Asks the loop to stop: the poll in hand is finished (up to the drain timeout) and committed. */
  public void stop() {
    if (!stopping) {
      stopDeadlineNanos = System.nanoTime() + config.drainTimeout().toNanos();
      stopping = true;
    }
  }

  /** Waits until the loop has closed its consumer. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The error that stopped the loop, or with {@code on-undeliverable=exit} the one that gave the outcomes up. */
  public Throwable failure() {
    Throwable error = fatal.get();
    return error != null ? error : undeliverable.get();
  }

  /** The outcomes partitions held while the outcomes are given up, each with why; empty while they flow. */
  public Map<TopicPartition, String> halted() {
    String why = halted;
    var view = new HashMap<TopicPartition, String>();
    if (why != null) {
      assignment.forEach(partition -> view.put(partition, why));
    }
    return Map.copyOf(view);
  }

  /** The outcomes partitions this instance currently owns. */
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  @Override
  public void run() {
    try (var outcomesConsumer = consumerFactory.get()) {
      consumer = outcomesConsumer;
      consumer.subscribe(List.of(config.outcomesTopic()), new Rebalance());
      while (!stopping && fatal.get() == null) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        sampleConsumer();
        if (!records.isEmpty() && halted == null) {
          handle(records);
        }
      }
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      fatal.compareAndSet(null, e);
      LOG.error("Outcomes loop stopped by an error", e);
    } finally {
      consumer = null;
      assignment = Set.of();
      finished.countDown();
    }
  }

  /** Records one poll's outcomes, delivers its dead letters, then commits it; nothing is committed on the way out. */
  private void handle(ConsumerRecords<byte[], byte[]> records) {
    working = true;
    revoked.clear();
    try {
      var pending = new ArrayList<Pending>();
      var deadLetters = new ArrayList<DeadLetter>();
      var next = new HashMap<TopicPartition, Long>();
      for (ConsumerRecord<byte[], byte[]> source : records) {
        next.put(new TopicPartition(source.topic(), source.partition()), source.offset() + 1);
        try {
          pending.add(new Pending(source, RecordCodec.decodeOutcome(source.value(), source.headers())));
        } catch (RecordCodec.DecodeException e) {
          LOG.warn("Dead-lettering outcome {}: {}", describe(source), e.getMessage());
          deadLetters.add(deadLetter(source, new DeadLetterCause(BridgeHeaders.REASON_UNDECODABLE, e.code(),
              e.getMessage(), "", 0)));
        }
      }
      if (!record(pending, deadLetters) || !deliver(deadLetters)) {
        return;
      }
      next.keySet().removeAll(revoked);
      commit(next);
    } finally {
      working = false;
      if (halted == null && consumer != null) {
        var paused = new HashSet<>(consumer.paused());
        paused.retainAll(consumer.assignment());
        consumer.resume(paused);
      }
    }
  }

  /**
   * Sends the outcomes in batches until each was accepted or dead-lettered; false when the loop
   * gave them up, or stopped before they were accepted.
   */
  private boolean record(List<Pending> pending, List<DeadLetter> deadLetters) {
    int transientFailures = 0;
    while (!pending.isEmpty()) {
      List<Pending> batch = List.copyOf(pending.subList(0, Math.min(batchLimit, pending.size())));
      var request = RecordOutcomesRequest.newBuilder();
      for (Pending outcome : batch) {
        outcome.attempts++;
        request.addOutcomes(outcome.outcome);
      }
      Status failure;
      RuntimeException error;
      try {
        RecordOutcomesResponse response = recorder.record(request.build());
        counters.outcomesRecorded.addAndGet(response.getRecordedCount());
        counters.outcomesDuplicate.addAndGet(response.getDuplicateCount());
        pending.subList(0, batch.size()).clear();
        if (transientFailures > 0) {
          LOG.info("Outcomes recorded again after {} transient answers of the server", transientFailures);
          transientFailures = 0;
        }
        continue;
      } catch (RuntimeException e) {
        error = e;
        failure = ServerStatus.of(e);
      }
      Code code = Code.forNumber(failure.getCode());
      if (code == Code.INVALID_ARGUMENT) {
        rejected(batch, failure, pending, deadLetters);
      } else if (code != null && TRANSIENT.contains(code)) {
        counters.outcomeRetries.incrementAndGet();
        Duration delay = backoff.delay(++transientFailures);
        Duration asked = ServerStatus.retryDelay(failure);
        delay = asked.compareTo(delay) > 0 ? asked : delay;
        if (transientFailures == 1) {
          LOG.warn("Server answered {} to {} outcomes ({}); sending them again in {} ms, for as long as it takes",
              code, batch.size(), failure.getMessage(), delay.toMillis());
        } else {
          LOG.debug("Server answered {} again ({} times); retrying in {} ms", code, transientFailures,
              delay.toMillis());
        }
        if (!waitKeepingMembership(delay)) {
          return false;
        }
        pending.removeIf(outcome -> revoked.contains(outcome.partition));
        deadLetters.removeIf(letter -> revoked.contains(letter.partition()));
      } else {
        giveUp("the server cannot record outcomes: it answered " + (code == null ? failure.getCode() : code) + " ("
            + failure.getMessage() + ")", error);
        return false;
      }
    }
    return true;
  }

  /**
   * A batch the server refused as invalid, which recorded nothing: the outcomes its violations
   * name are dead-lettered and leave {@code pending}; a refusal of the batch itself halves the
   * batch size for good (the server takes fewer than {@code outcomes-batch-size}), down to one
   * outcome, which is then dead-lettered.
   */
  private void rejected(List<Pending> batch, Status failure, List<Pending> pending, List<DeadLetter> deadLetters) {
    OutcomeViolations violations = OutcomeViolations.of(failure, batch.size());
    if (violations.byOutcome().isEmpty() && batch.size() > 1) {
      batchLimit = Math.max(1, batch.size() / 2);
      LOG.warn("Server refused a batch of {} outcomes as a whole ({}); sending at most {} at a time", batch.size(),
          violations.ofBatch().isEmpty() ? failure.getMessage() : violations.ofBatch(), batchLimit);
      return;
    }
    var named = violations.byOutcome().isEmpty() ? Map.of(0, violations.ofBatch()) : violations.byOutcome();
    var refused = new HashSet<Pending>();
    named.forEach((index, text) -> {
      Pending outcome = batch.get(index);
      refused.add(outcome);
      LOG.warn("Dead-lettering outcome {}: the server refused it: {}", describe(outcome.source), text);
      deadLetters.add(deadLetter(outcome.source, new DeadLetterCause(BridgeHeaders.REASON_REJECTED,
          Code.INVALID_ARGUMENT.name(), failure.getMessage(), text, outcome.attempts)));
    });
    pending.removeAll(refused);
  }

  /** Delivers the poll's dead letters in order; false when one could not be, which gives the outcomes up. */
  private boolean deliver(List<DeadLetter> deadLetters) {
    for (DeadLetter deadLetter : deadLetters) {
      if (revoked.contains(deadLetter.partition())) {
        continue;
      }
      ProducerRecord<byte[], byte[]> letter = sizeLimit.fit(deadLetter.record(), deadLetter.letter());
      int sends = 0;
      while (true) {
        sends++;
        Throwable error;
        try {
          sendKeepingMembership(letter);
          BridgeCounters.increment(counters.outcomesDeadLetteredByReason, deadLetter.reason());
          if (letter.headers().lastHeader(BridgeHeaders.TRUNCATED) != null) {
            counters.truncated.incrementAndGet();
          }
          break;
        } catch (ExecutionException e) {
          error = e.getCause();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fatal.compareAndSet(null, e);
          return false;
        } catch (RuntimeException e) {
          error = e;
        }
        var smaller = ProducerErrorKind.of(error) == ProducerErrorKind.TOO_LARGE
            ? sizeLimit.shrink(deadLetter.record(), letter) : Optional.<ProducerRecord<byte[], byte[]>>empty();
        boolean retry = ProducerErrorKind.of(error) == ProducerErrorKind.RETRIABLE && sends < config.produceAttempts();
        if (smaller.isPresent()) {
          letter = smaller.get();
          sends = 0;
        } else if (!retry) {
          giveUp("the dead letter of outcome " + describe(deadLetter.record().source()) + " cannot be delivered ("
              + error + ")", error);
          return false;
        }
        counters.produceRetries.incrementAndGet();
        LOG.warn("Dead letter of outcome {} not delivered ({}); sending it again", describe(deadLetter.record().source()),
            error.toString());
        if (retry && !waitKeepingMembership(backoff.delay(sends))) {
          return false;
        }
        if (revoked.contains(deadLetter.partition())) {
          break;
        }
      }
    }
    return true;
  }

  /**
   * Sends a dead letter and waits for the broker's answer (at most the producer's
   * {@code delivery.timeout.ms}), polling with the partitions paused meanwhile so a slow broker
   * never costs the consumer its group membership.
   */
  private void sendKeepingMembership(ProducerRecord<byte[], byte[]> letter)
      throws ExecutionException, InterruptedException {
    Future<RecordMetadata> sent = producer.send(letter);
    while (true) {
      try {
        sent.get(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        consumer.pause(consumer.assignment());
        rewind(consumer.poll(Duration.ZERO));
        sampleConsumer();
      }
    }
  }

  private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> source, DeadLetterCause cause) {
    var record = new InFlightRecord(source);
    String correlationId = AnswerRecords.correlationId(source, null);
    record.describeAnswer(null, correlationId);
    return new DeadLetter(record.partition(), record,
        AnswerRecords.deadLetter(config.deadLetterTopic(), source, correlationId, cause), cause.reason());
  }

  /**
   * Waits {@code delay} with the partitions paused, polling so the consumer stays in its group and
   * takes part in rebalances; false when a stop's drain timeout passed meanwhile.
   */
  private boolean waitKeepingMembership(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    consumer.pause(consumer.assignment());
    while (true) {
      long now = System.nanoTime();
      if (stopping && now - stopDeadlineNanos > 0) {
        LOG.warn("Stopping with outcomes not yet recorded; they are recorded again after the restart");
        return false;
      }
      if (now - deadline >= 0) {
        return true;
      }
      rewind(consumer.poll(Duration.ofNanos(Math.min(deadline - now, POLL_TIMEOUT.toNanos()))));
      sampleConsumer();
    }
  }

  /** Puts back records a poll returned while the loop was busy, so they are read again in order. */
  private void rewind(ConsumerRecords<byte[], byte[]> stray) {
    for (TopicPartition partition : stray.partitions()) {
      consumer.seek(partition, stray.records(partition).getFirst().offset());
    }
  }

  /** Gives the outcomes up: nothing more is committed, the partitions stay paused; with {@code exit} the loop stops. */
  private void giveUp(String why, Throwable error) {
    halted = why;
    counters.outcomesHalted.set(1);
    consumer.pause(consumer.assignment());
    boolean exit = config.onUndeliverable() == UndeliverablePolicy.EXIT;
    LOG.error("Giving up the outcomes of {}: {}; nothing from the current poll on is committed and the partitions"
            + " stay paused until the bridge restarts; {}", config.outcomesTopic(), why,
        exit ? "stopping the bridge (on-undeliverable=exit)" : "predictions keep flowing");
    if (exit) {
      undeliverable.compareAndSet(null, error);
      stop();
    }
  }

  private void commit(Map<TopicPartition, Long> next) {
    if (next.isEmpty()) {
      return;
    }
    var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
    next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
    try {
      consumer.commitSync(offsets);
      counters.commits.incrementAndGet();
    } catch (RuntimeException e) {
      LOG.warn("Committing outcome offsets {} failed ({}); those outcomes will be recorded again", offsets,
          e.toString());
    }
  }

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
    counters.outcomeLag = Map.copyOf(lag);
  }

  private static String describe(ConsumerRecord<byte[], byte[]> source) {
    return source.topic() + "-" + source.partition() + "-" + source.offset();
  }

  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if ((working || halted != null) && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      assignment = Set.copyOf(consumer.assignment());
      if (!partitions.isEmpty()) {
        LOG.info("Assigned outcomes {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      revoked.addAll(partitions);
      assignment = Set.copyOf(consumer.assignment());
      LOG.info("Revoked outcomes {}; what was not committed is recorded again by their next owner", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      revoked.addAll(partitions);
      assignment = Set.copyOf(consumer.assignment());
      LOG.warn("Lost outcomes {}; what was not committed is recorded again by their next owner", partitions);
    }
  }
}
