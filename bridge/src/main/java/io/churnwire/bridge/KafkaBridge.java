package io.churnwire.bridge;

import io.churnwire.bridge.internal.AnswerSender;
import io.churnwire.bridge.internal.AnswerSizeLimit;
import io.churnwire.bridge.internal.Backoff;
import io.churnwire.bridge.internal.BatchScorer;
import io.churnwire.bridge.internal.BridgeCounters;
import io.churnwire.bridge.internal.BridgeLoop;
import io.churnwire.bridge.internal.BridgeMetrics;
import io.churnwire.bridge.internal.Delivery;
import io.churnwire.bridge.internal.ItemRetryBound;
import io.churnwire.bridge.internal.KafkaClients;
import io.churnwire.bridge.internal.OutcomeLoop;
import io.churnwire.bridge.internal.RecordTracing;
import io.churnwire.telemetry.Telemetry;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running bridge instance: consumes {@code PredictRequest} records, scores them on the Churnwire
 * server in one {@code BatchPredict} call per poll, and produces {@code PredictResponse} records (or
 * dead letters), committing offsets only after the broker acknowledged the answers.
 *
 * <p>The bridge holds no scoring logic: it is an adapter between Kafka and the gRPC API, so a model
 * change on the server reaches Kafka users without touching the bridge. Start as many instances
 * with the same group id as the request topic has partitions worth sharing.
 *
 * <p>With an outcomes topic it also records {@code Outcome} records on the server through
 * {@code RecordOutcomes} ({@link OutcomeLoop}), on a consumer of its own in the group
 * {@link BridgeConfig#outcomesGroupId()}, sharing the channel and the dead-letter producer.
 *
 * <p>Each instance has its own {@link Telemetry}: {@code /metrics} on the metrics port with the
 * bridge's instruments ({@link BridgeMetrics}) beside the JVM's, and a span per record when traces
 * are exported ({@link RecordTracing}).
 */
public final class KafkaBridge implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);

  /** How the bridge names itself in metrics, traces and JSON logs. */
  public static final String SERVICE_NAME = "churnwire-bridge";

  private final BridgeConfig config;
  private final Telemetry telemetry;
  private final BridgeCounters counters;
  private final BridgeLoop loop;
  private final Thread loopThread;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AnswerSender sender;
  private final ManagedChannel channel;
  private final ExecutorService grpcExecutor;
  private final ScheduledExecutorService scheduler;
  private final BatchScorer scoring;
  /** Null when the outcomes are off. */
  private final OutcomeLoop outcomes;
  private final Thread outcomesThread;
  private boolean closed;

  private KafkaBridge(BridgeConfig config, ChannelCredentials credentials, Telemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
    String instance = UUID.randomUUID().toString().substring(0, 8);
    this.counters = new BridgeCounters();
    var metrics = new BridgeMetrics(telemetry.meter(BridgeMetrics.SCOPE), counters);
    var tracing = new RecordTracing(telemetry.openTelemetry(), config.groupId());
    this.grpcExecutor = Executors.newSingleThreadExecutor(
        Thread.ofPlatform().name("bridge-grpc-" + instance).daemon().factory());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("bridge-retry-" + instance).daemon().factory());
    this.channel = Grpc.newChannelBuilder(config.serverTarget(), credentials)
        .executor(grpcExecutor)
        .build();
    this.producer = KafkaClients.producer(config, instance);
    this.sender = new AnswerSender(producer, "bridge-sender-" + instance);
    var backoff = new Backoff(config.retryInitial(), config.retryMax());
    var delivery = new Delivery(sender, config.produceAttempts(), backoff, scheduler,
        new AnswerSizeLimit(config.maxRequestSize(), config.deadLetterTopic()));
    this.loop = new BridgeLoop(config, () -> KafkaClients.consumer(config, instance), producer, delivery, counters,
        metrics, tracing);
    this.scoring = new BatchScorer(channel, scheduler, backoff, config.itemTimeout(),
        new ItemRetryBound(config.itemMaxAttempts(), config.itemMaxAge()), config.effectiveMaxPollRecords(), loop,
        counters);
    loop.scoreWith(scoring);
    if (config.outcomesEnabled()) {
      this.outcomes = new OutcomeLoop(config, () -> KafkaClients.outcomeConsumer(config, instance), producer,
          OutcomeLoop.Recorder.grpc(channel, config.itemTimeout()), counters);
      // Either loop ending on its own (a fatal error, on-undeliverable=exit) stops the other: one bridge, one exit.
      this.outcomesThread = Thread.ofPlatform().name("bridge-outcomes-" + instance).unstarted(() -> {
        outcomes.run();
        loop.stop();
      });
    } else {
      this.outcomes = null;
      this.outcomesThread = null;
    }
    this.loopThread = Thread.ofPlatform().name("bridge-consumer-" + instance).unstarted(() -> {
      loop.run();
      if (outcomes != null) {
        outcomes.stop();
      }
    });
  }

  /**
   * Starts a bridge and its metrics port; it connects to Kafka and the server in the background and
   * retries both.
   *
   * @throws IllegalArgumentException if the server's token, certificate, key or CA file cannot be
   *     read, naming it
   * @throws UncheckedIOException if the metrics port cannot be bound
   */
  public static KafkaBridge start(BridgeConfig config) {
    var security = config.serverSecurity();
    ChannelCredentials credentials;
    try {
      credentials = security.channelCredentials();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the TLS files for the server connection ("
          + config.serverTlsCaFile().map(file -> "server-tls-ca-file " + file + " ").orElse("")
          + config.serverTlsCertFile().map(file -> "server-tls-cert-file " + file + " ").orElse("")
          + config.serverTlsKeyFile().map(file -> "server-tls-key-file " + file).orElse("") + "): "
          + e.getMessage(), e);
    }
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start(SERVICE_NAME, config.telemetry());
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    KafkaBridge bridge;
    try {
      bridge = new KafkaBridge(config, credentials, telemetry);
    } catch (RuntimeException e) {
      telemetry.close();
      throw e;
    }
    bridge.loopThread.start();
    if (bridge.outcomesThread != null) {
      bridge.outcomesThread.start();
      LOG.info("Recording outcomes from {} on {} in batches of at most {} (group {})", config.outcomesTopic(),
          config.serverTarget(), config.outcomesBatchSize(), config.outcomesGroupId());
    }
    LOG.info("Bridge started: {} -> {} -> {} (dead letters to {}), scoring on {} ({}{}), group {}, {}",
        config.requestTopic(), config.serverTarget(), config.responseTopic(), config.deadLetterTopic(),
        config.serverTarget(), security.tls() ? (security.certificateFile().isPresent() ? "mTLS" : "TLS") : "plaintext",
        security.token().isPresent() ? ", bearer token" : "", config.groupId(),
        telemetry.metricsPort() < 0 ? "no metrics port"
            : "metrics on http://" + config.telemetry().metricsHost() + ":" + telemetry.metricsPort() + "/metrics");
    if (!config.kafka().isEmpty()) {
      LOG.info("Kafka client properties passed through: {}", config.kafka());
    }
    return bridge;
  }

  /** The settings this instance runs with. */
  public BridgeConfig config() {
    return config;
  }

  /** The bound metrics port ({@code /metrics}); -1 when it is off. */
  public int metricsPort() {
    return telemetry.metricsPort();
  }

  /** This instance's OpenTelemetry: its meters, tracer and metrics port. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** A snapshot of the counters and the current assignment. */
  public BridgeStats stats() {
    var halted = new HashMap<>(loop.halted());
    if (outcomes != null) {
      halted.putAll(outcomes.halted());
    }
    return new BridgeStats(counters.answered.get(), counters.deadLettered.get(), counters.truncated.get(),
        counters.retries.get(), counters.produceRetries.get(), counters.pauses.get(), counters.commits.get(),
        counters.inFlight.get(), counters.maxInFlightSeen.get(), loop.paused(), loop.assignment(), Map.copyOf(halted),
        counters.outcomesRecorded.get(), counters.outcomesDuplicate.get(),
        counters.outcomesDeadLetteredByReason.values().stream().mapToLong(LongAdder::sum)
            .sum(),
        outcomes == null ? Set.of() : outcomes.assignment());
  }

  /**
   * The error that stopped the bridge on its own: a fatal consumer error, or with
   * {@code on-undeliverable=exit} the producer error of an answer that could not be delivered.
   */
  public Optional<Throwable> failure() {
    Throwable failure = loop.failure();
    if (failure == null && outcomes != null) {
      failure = outcomes.failure();
    }
    return Optional.ofNullable(failure);
  }

  /**
   * Blocks until the consumer loops have ended, by {@link #close()} or by a fatal error (either
   * loop ending on its own stops the other).
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!loop.awaitFinished(timeout)) {
      return false;
    }
    return outcomes == null || outcomes.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /**
   * Stops gracefully: no new records are polled, in-flight records are answered (up to the drain
   * timeout), acknowledged offsets are committed, then the consumer, the scoring calls and the producer close,
   * and last the metrics port, once spans not yet exported are flushed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.stop();
    if (outcomes != null) {
      outcomes.stop();
    }
    try {
      if (!loop.awaitFinished(config.drainTimeout().plusSeconds(30))) {
        LOG.warn("Consumer loop did not finish in time; closing anyway");
      }
      if (outcomes != null && !outcomes.awaitFinished(config.drainTimeout().plus(config.itemTimeout()).plusSeconds(5))) {
        LOG.warn("Outcomes loop did not finish in time; closing anyway");
      }
      scoring.close();
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      sender.close();
      producer.close(Duration.ofSeconds(10));
      scheduler.shutdownNow();
      grpcExecutor.shutdown();
      telemetry.close();
    }
  }
}
