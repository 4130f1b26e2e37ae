package io.churnwire.server;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model registry's production pointer: when it names another version, that version is
 * loaded and validated on this class's own thread, never on a request thread, and only then swapped
 * in through the {@link ModelHolder}. Calls that already took the old model finish on it; every
 * answer names the version that produced it. A model that cannot be loaded, does not fit the
 * contract or fails a trial prediction is rejected and logged, and the old model keeps serving
 * (health stays {@code SERVING}).
 *
 * <p>Changes are noticed by polling the small pointer file, which works on every file system
 * (inotify misses changes on some overlay and network mounts), and on demand through
 * {@code ModelAdminService.ReloadModel}. All attempts run on one thread, so they never overlap, and
 * requests coalesce: every request that arrives while an attempt waits to start shares it, so at
 * most one attempt runs and one waits, however many callers there are. A rejection is remembered:
 * while the pointer still names the rejected version and its files are unchanged, polls and
 * requests get the remembered answer without validating (or logging) again, until the retry
 * interval has passed.
 *
 * <p>Messages never carry the registry's absolute location: it is named by its directory name.
 */
public final class ModelReloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelReloader.class);

  private final ModelRegistry registry;
  private final ModelHolder models;
  private final Duration retryAfter;
  private final ScheduledExecutorService thread;
  private final String registryName;
  private final ServerMetrics metrics;
  private final Object lock = new Object();
  /** The attempt requests join until it starts; guarded by {@link #lock}. */
  private CompletableFuture<Attempt> waiting;
  private volatile Attempt last;
  /** The last rejection, answered until it expires; touched only on {@link #thread}. */
  private Rejection rejection;
  /** The last polling error logged, so a lasting problem is logged once; touched only on {@link #thread}. */
  private String lastPollError;

  /** How a reload attempt ended. */
  public enum Outcome {
    /** A new model was loaded, validated and swapped in. */
    SWAPPED,
    /** The production model was already being served. */
    UNCHANGED,
    /** The production model was rejected; the previous model kept serving. */
    REJECTED,
    /** The registry has no production model, or not the one the caller expected. */
    NOT_APPLICABLE
  }

  /**
   * One reload attempt.
   *
   * @param outcome how it ended
   * @param attemptedVersion the version the pointer named; empty when there was none
   * @param servingVersion the version served afterwards; empty when none is loaded
   * @param previousVersion the version served before; empty when none was loaded
   * @param error why it was rejected or not applicable; empty otherwise
   * @param at when it finished
   */
  public record Attempt(Outcome outcome, String attemptedVersion, String servingVersion,
      String previousVersion, String error, Instant at) {}

  /** A rejected version, its files when it was rejected, and when it is validated again. */
  private record Rejection(String version, VersionFiles files, Attempt attempt, Instant retryAt) {
    boolean covers(String pointer, VersionFiles now, Instant time) {
      return version.equals(pointer) && files.equals(now) && time.isBefore(retryAt);
    }
  }

  /**
   * Follows the registry at {@code registry} and swaps models in {@code models}; a rejected version
   * with unchanged files is validated again only after {@code retryAfter}.
   */
  public ModelReloader(ModelRegistry registry, ModelHolder models, Duration retryAfter) {
    this(registry, models, retryAfter, ServerMetrics.none());
  }

  /** As above, counting the outcome of each attempt on a new production model in {@code metrics}. */
  public ModelReloader(ModelRegistry registry, ModelHolder models, Duration retryAfter, ServerMetrics metrics) {
    this(registry, models, retryAfter, metrics, Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "churnwire-model-reload");
      t.setDaemon(true);
      return t;
    }));
  }

  /** As above, on {@code thread}, which must run one task at a time. */
  ModelReloader(ModelRegistry registry, ModelHolder models, Duration retryAfter, ScheduledExecutorService thread) {
    this(registry, models, retryAfter, ServerMetrics.none(), thread);
  }

  private ModelReloader(ModelRegistry registry, ModelHolder models, Duration retryAfter, ServerMetrics metrics,
      ScheduledExecutorService thread) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.models = Objects.requireNonNull(models, "models");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    this.thread = Objects.requireNonNull(thread, "thread");
    Path name = registry.root().toAbsolutePath().normalize().getFileName();
    this.registryName = name == null ? "" : name.toString();
  }

  /** The registry followed. */
  public ModelRegistry registry() {
    return registry;
  }

  /** The registry's directory name, which says which registry it is without saying where it lives. */
  public String registryName() {
    return registryName;
  }

  /** Polls every {@code intervalMillis} (0: never; the admin RPC still reloads). */
  public void start(long intervalMillis) {
    if (intervalMillis > 0) {
      thread.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** The last reload attempt, if any. */
  public Optional<Attempt> lastAttempt() {
    return Optional.ofNullable(last);
  }

  /**
   * Reloads soon, on the reload thread: reads the pointer and, if it names a version other than the
   * one served, loads, validates and swaps it in. Joins the attempt that waits to start, if any.
   *
   * @param expectedVersion when not empty, the answer is {@code NOT_APPLICABLE} unless the pointer
   *     named this version
   */
  public CompletableFuture<Attempt> reload(String expectedVersion) {
    CompletableFuture<Attempt> shared = sharedAttempt();
    if (expectedVersion.isEmpty()) {
      return shared;
    }
    return shared.thenApply(attempt -> attempt.attemptedVersion().isEmpty()
        || attempt.attemptedVersion().equals(expectedVersion)
        ? attempt
        : new Attempt(Outcome.NOT_APPLICABLE, attempt.attemptedVersion(), attempt.servingVersion(),
            attempt.previousVersion(), "the production pointer names " + attempt.attemptedVersion() + ", not "
                + expectedVersion, attempt.at()));
  }

  private CompletableFuture<Attempt> sharedAttempt() {
    synchronized (lock) {
      if (waiting != null) {
        return waiting;
      }
      CompletableFuture<Attempt> next = new CompletableFuture<>();
      try {
        thread.execute(() -> run(next));
      } catch (RejectedExecutionException e) {
        next.completeExceptionally(new IllegalStateException("the server is shutting down"));
        return next;
      }
      waiting = next;
      return next;
    }
  }

  private void run(CompletableFuture<Attempt> attempt) {
    synchronized (lock) {
      if (waiting == attempt) {
        waiting = null;
      }
    }
    try {
      attempt.complete(follow(false));
    } catch (RuntimeException e) {
      metrics.reloaded(ServerMetrics.Reload.FAILED);
      attempt.completeExceptionally(e);
    }
  }

  private void poll() {
    try {
      follow(true);
    } catch (RuntimeException e) {
      metrics.reloaded(ServerMetrics.Reload.FAILED);
      log.warn("cannot follow the production pointer of registry {}: {}", registryName, e.toString());
    }
  }

  /**
   * One look at the pointer. A poll records and logs only what it attempted; a requested attempt
   * always answers.
   */
  private Attempt follow(boolean polled) {
    String served = servingVersion();
    Optional<String> pointer;
    try {
      pointer = registry.production();
    } catch (IOException | RuntimeException e) {
      String error = "cannot read the production pointer: " + redact(describe(e));
      metrics.reloaded(ServerMetrics.Reload.FAILED);
      if (polled) {
        if (!error.equals(lastPollError)) {
          log.warn("registry {}: {}", registryName, error);
          lastPollError = error;
        }
        return null;
      }
      return record(new Attempt(Outcome.REJECTED, "", served, served, error, Instant.now()));
    }
    lastPollError = null;
    if (pointer.isEmpty()) {
      return polled ? null : record(new Attempt(Outcome.NOT_APPLICABLE, "", served, served,
          "the registry " + registryName + " has no production model", Instant.now()));
    }
    String version = pointer.get();
    if (version.equals(served)) {
      rejection = null;
      return polled ? null : record(new Attempt(Outcome.UNCHANGED, version, served, served, "", Instant.now()));
    }
    VersionFiles files = VersionFiles.of(registry.versionDir(version));
    if (rejection != null && rejection.covers(version, files, Instant.now())) {
      return polled ? null : rejection.attempt();
    }
    if (polled) {
      log.info("production pointer of registry {} now names {}", registryName, version);
    }
    Attempt attempt = swapTo(version, served);
    rejection = attempt.outcome() == Outcome.REJECTED
        ? new Rejection(version, files, attempt, attempt.at().plus(retryAfter))
        : null;
    return attempt;
  }

  private Attempt swapTo(String version, String previous) {
    long start = System.nanoTime();
    ServingModel candidate;
    try {
      candidate = validated(version);
    } catch (IOException | RuntimeException e) {
      String error = redact(describe(e));
      log.error("rejected model {} from registry {}; still serving {}: {}", version, registryName,
          previous.isEmpty() ? "no model" : previous, error);
      metrics.reloaded(ServerMetrics.Reload.REJECTED);
      return record(new Attempt(Outcome.REJECTED, version, previous, previous, error, Instant.now()));
    }
    models.swap(candidate);
    metrics.reloaded(ServerMetrics.Reload.LOADED);
    log.info("now serving model {} (was {}); loaded and validated in {} ms", version,
        previous.isEmpty() ? "none" : previous, (System.nanoTime() - start) / 1_000_000);
    return record(new Attempt(Outcome.SWAPPED, version, version, previous, "", Instant.now()));
  }

  /** Loads {@code version} and proves it can serve: integrity, contract binding, a trial prediction. */
  private ServingModel validated(String version) throws IOException {
    if (!ModelVersion.isVersion(version)) {
      throw new IOException("'" + version + "' is not a model version");
    }
    ChurnModel model = registry.load(version);
    if (!model.metadata().version().equals(version)) {
      throw new IOException("the directory of " + version + " holds model " + model.metadata().version());
    }
    ServingModel serving = ServingModel.of(model);
    double p = model.churnProbability(trialRow(model.schema()));
    if (!(p >= 0 && p <= 1)) {
      throw new IOException("the model answered " + p + " for a trial customer, not a probability");
    }
    return serving;
  }

  /** A valid row: every numeric feature at its lower bound, every category at its first level. */
  private static double[] trialRow(FeatureSchema schema) {
    double[] row = new double[schema.size()];
    for (int j = 0; j < row.length; j++) {
      FeatureSpec feature = schema.get(j);
      row[j] = feature.isCategorical() ? 0 : feature.min();
    }
    return row;
  }

  /** {@code message} with the registry's location replaced by its name. */
  String redact(String message) {
    Path root = registry.root();
    String redacted = message.replace(root.toAbsolutePath().normalize().toString(), registryName)
        .replace(root.toAbsolutePath().toString(), registryName);
    String given = root.toString();
    if (given.contains(root.getFileSystem().getSeparator())) {
      redacted = redacted.replace(given, registryName);
    }
    return redacted;
  }

  /** A throwable's message, or its kind when it has none. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  private Attempt record(Attempt attempt) {
    last = attempt;
    return attempt;
  }

  private String servingVersion() {
    return models.current().map(ServingModel::version).orElse("");
  }

  /** Stops polling; a reload in progress is interrupted and requests waiting for one fail. */
  @Override
  public void close() {
    thread.shutdownNow();
    synchronized (lock) {
      if (waiting != null) {
        waiting.completeExceptionally(new IllegalStateException("the server is shutting down"));
        waiting = null;
      }
    }
  }
}
