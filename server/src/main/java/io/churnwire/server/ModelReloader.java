package io.churnwire.server;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelVersion;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
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
 * {@code ModelAdminService.ReloadModel}. All reloads run on one thread, so they never overlap.
 * A rejected pointer value is not retried by the poller until the pointer changes again.
 */
public final class ModelReloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelReloader.class);

  private final ModelRegistry registry;
  private final ModelHolder models;
  private final ScheduledExecutorService thread;
  private volatile Attempt last;
  /** The pointer value last acted upon; touched only on {@link #thread}. */
  private String lastSeenPointer;
  /** The last polling error logged, so a lasting problem is logged once. */
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
   * @param attemptedVersion the version it tried to load; empty when there was none
   * @param servingVersion the version served afterwards; empty when none is loaded
   * @param previousVersion the version served before; empty when none was loaded
   * @param error why it was rejected or not applicable; empty otherwise
   * @param at when it finished
   */
  public record Attempt(Outcome outcome, String attemptedVersion, String servingVersion,
      String previousVersion, String error, Instant at) {}

  /** Follows the registry at {@code registry} and swaps models in {@code models}. */
  public ModelReloader(ModelRegistry registry, ModelHolder models) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.models = Objects.requireNonNull(models, "models");
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "churnwire-model-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /** The registry followed. */
  public ModelRegistry registry() {
    return registry;
  }

  /**
   * Records that the model served at start came from the pointer's current value, then polls
   * every {@code intervalMillis} (0: never; the admin RPC still reloads).
   */
  public void start(long intervalMillis) {
    thread.execute(() -> {
      String serving = servingVersion();
      try {
        Optional<String> pointer = registry.production();
        if (pointer.isPresent() && pointer.get().equals(serving)) {
          lastSeenPointer = pointer.get();
        }
      } catch (IOException e) {
        log.warn("cannot read the production pointer of {}: {}", registry.root(), e.getMessage());
      }
    });
    if (intervalMillis > 0) {
      thread.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** The last reload attempt, if any. */
  public Optional<Attempt> lastAttempt() {
    return Optional.ofNullable(last);
  }

  /**
   * Reloads now, on the reload thread: reads the pointer and, if it names a version other than the
   * one served, loads, validates and swaps it in.
   *
   * @param expectedVersion when not empty, the pointer must name this version or nothing is loaded
   */
  public CompletableFuture<Attempt> reload(String expectedVersion) {
    return CompletableFuture.supplyAsync(() -> {
      Optional<String> pointer;
      try {
        pointer = registry.production();
      } catch (IOException e) {
        return record(new Attempt(Outcome.REJECTED, "", servingVersion(), servingVersion(),
            e.getMessage(), Instant.now()));
      }
      if (pointer.isEmpty()) {
        return record(new Attempt(Outcome.NOT_APPLICABLE, "", servingVersion(), servingVersion(),
            "the registry " + registry.root() + " has no production model", Instant.now()));
      }
      if (!expectedVersion.isEmpty() && !expectedVersion.equals(pointer.get())) {
        return new Attempt(Outcome.NOT_APPLICABLE, pointer.get(), servingVersion(), servingVersion(),
            "the production pointer names " + pointer.get() + ", not " + expectedVersion, Instant.now());
      }
      lastSeenPointer = pointer.get();
      return swapTo(pointer.get());
    }, thread);
  }

  private void poll() {
    try {
      Optional<String> pointer = registry.production();
      lastPollError = null;
      if (pointer.isEmpty() || pointer.get().equals(lastSeenPointer)) {
        return;
      }
      lastSeenPointer = pointer.get();
      log.info("production pointer of {} now names {}", registry.root(), pointer.get());
      swapTo(pointer.get());
    } catch (IOException | RuntimeException e) {
      if (!Objects.equals(e.getMessage(), lastPollError)) {
        log.warn("cannot follow the production pointer of {}: {}", registry.root(), e.getMessage());
        lastPollError = e.getMessage();
      }
    }
  }

  private Attempt swapTo(String version) {
    String previous = servingVersion();
    if (version.equals(previous)) {
      return record(new Attempt(Outcome.UNCHANGED, version, previous, previous, "", Instant.now()));
    }
    long start = System.nanoTime();
    ServingModel candidate;
    try {
      candidate = validated(version);
    } catch (IOException | RuntimeException e) {
      log.error("rejected model {} from {}; still serving {}: {}", version, registry.root(),
          previous.isEmpty() ? "no model" : previous, e.getMessage());
      return record(new Attempt(Outcome.REJECTED, version, previous, previous, e.getMessage(), Instant.now()));
    }
    models.swap(candidate);
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

  private Attempt record(Attempt attempt) {
    last = attempt;
    return attempt;
  }

  private String servingVersion() {
    return models.current().map(ServingModel::version).orElse("");
  }

  /** Stops polling; a reload in progress is interrupted. */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
