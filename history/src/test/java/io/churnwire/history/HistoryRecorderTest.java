package io.churnwire.history;

import static io.churnwire.history.Predictions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryRecorderTest {
  private static final Instant T0 = Instant.parse("2026-03-04T10:15:30Z");

  @TempDir Path directory;

  @Test
  void record_everything_isWrittenToTheStore_inBatches_whileQueriesRun_andCloseFlushesTheRest() throws Exception {
    Counting listener = new Counting();
    try (PredictionStore store = PredictionStores.open(HistoryConfig.defaults()
        .withUrl("jdbc:duckdb:" + directory.resolve("h.duckdb")))) {
      HistoryRecorder recorder = HistoryRecorder.start(store, HistoryConfig.defaults(), listener);
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        callers.add(Thread.ofPlatform().start(() -> IntStream.range(0, 2_500).forEach(i ->
            assertTrue(recorder.record(at(T0.plusMillis(i), "c" + thread + "-" + i, "v1", 0.5))))));
      }
      AtomicBoolean reading = new AtomicBoolean(true);
      List<Throwable> readFailures = new CopyOnWriteArrayList<>();
      Thread reader = Thread.ofPlatform().start(() -> {
        long seen = 0;
        while (reading.get()) {
          try {
            long count = store.stats(TimeRange.ALL).overall().count();
            assertTrue(count >= seen, "counts only grow: " + seen + " then " + count);
            seen = count;
          } catch (RuntimeException | AssertionError e) {
            readFailures.add(e);
          }
        }
      });
      for (Thread caller : callers) {
        caller.join();
      }

      recorder.close();
      reading.set(false);
      reader.join();

      assertEquals(List.of(), readFailures, "queries while the writer writes");

      assertEquals(10_000, recorder.written());
      assertEquals(0, recorder.dropped());
      assertEquals(0, recorder.queued());
      assertEquals(10_000, store.stats(TimeRange.ALL).overall().count());
      assertEquals(10_000, listener.written.get());
      assertTrue(listener.batches.get() < 10_000, "batched: " + listener.batches.get() + " transactions");
      assertFalse(recorder.record(at(T0, "late", "v1", 0.5)), "a closed recorder takes nothing");
      assertEquals(1, recorder.dropped());
    }
  }

  @Test
  void record_oneAlone_isWrittenSoonWithoutAClose() throws Exception {
    FlakyStore store = new FlakyStore();
    try (HistoryRecorder recorder = HistoryRecorder.start(store, HistoryConfig.defaults(), RecorderListener.NONE)) {
      recorder.record(at(T0, "a", "v1", 0.5));

      Eventually.passes(() -> assertEquals(1, store.records.size()));
      assertEquals(1, recorder.written());
    }
  }

  @Test
  void storeFailing_keepsRecordsUpToCapacity_countsOverflow_thenResumesByItself() throws Exception {
    FlakyStore store = new FlakyStore();
    store.failing.set(true);
    Counting listener = new Counting();
    HistoryRecorder recorder = HistoryRecorder.start(store, HistoryConfig.defaults().withQueueCapacity(100),
        listener);
    assertTrue(recorder.record(at(T0, "first", "v1", 0.5)));
    Eventually.passes(() -> assertFalse(recorder.storeAvailable()));

    int accepted = 0;
    for (int i = 0; i < 250; i++) {
      accepted += recorder.record(at(T0.plusSeconds(i), "c" + i, "v1", 0.5)) ? 1 : 0;
    }

    assertEquals(100, accepted, "the queue holds its capacity while a batch is retried");
    assertEquals(150, recorder.dropped());
    assertEquals(150, listener.dropped.get());
    assertEquals(101, recorder.queued());
    assertEquals(1, listener.unavailable.get());
    assertTrue(store.attempts.get() >= 1);

    store.failing.set(false);

    Eventually.passes(() -> assertEquals(101, recorder.written()));
    assertTrue(recorder.storeAvailable());
    assertEquals(1, listener.available.get());
    assertEquals(101, store.records.size());
    assertEquals("first", store.records.get(0).customerId(), "the kept batch is written first");
    recorder.close();
  }

  @Test
  void close_whileStoreFails_givesUpAfterTheFlushTimeout_andCountsTheRestDropped() {
    FlakyStore store = new FlakyStore();
    store.failing.set(true);
    HistoryRecorder recorder = HistoryRecorder.start(store,
        HistoryConfig.defaults().withFlushTimeout(Duration.ofMillis(300)), RecorderListener.NONE);
    IntStream.range(0, 10).forEach(i -> recorder.record(at(T0.plusSeconds(i), "c" + i, "v1", 0.5)));

    recorder.close();

    assertEquals(10, recorder.dropped());
    assertEquals(0, recorder.written());
    assertEquals(0, recorder.queued());
  }

  @Test
  void close_afterStoreRecovers_flushesEverythingQueued() throws Exception {
    FlakyStore store = new FlakyStore();
    store.failing.set(true);
    HistoryRecorder recorder = HistoryRecorder.start(store, HistoryConfig.defaults(), RecorderListener.NONE);
    IntStream.range(0, 50).forEach(i -> recorder.record(at(T0.plusSeconds(i), "c" + i, "v1", 0.5)));
    Eventually.passes(() -> assertTrue(store.attempts.get() >= 2));
    store.failing.set(false);

    recorder.close();

    assertEquals(50, store.records.size());
    assertEquals(0, recorder.dropped());
  }

  @Test
  void batchRefusedWhileStoreAnswers_isDroppedAfterAFewAttempts_andRecordingGoesOn() throws Exception {
    FlakyStore store = new FlakyStore();
    store.refuse = "poison";
    try (HistoryRecorder recorder = HistoryRecorder.start(store, HistoryConfig.defaults(), RecorderListener.NONE)) {
      recorder.record(at(T0, "poison", "v1", 0.5));
      Eventually.passes(() -> assertEquals(1, recorder.dropped()));

      recorder.record(at(T0, "fine", "v1", 0.5));

      Eventually.passes(() -> assertEquals(1, recorder.written()));
      assertEquals(HistoryRecorder.REFUSALS, store.attempts.get());
      assertEquals("fine", store.records.get(0).customerId());
    }
  }

  /** Counts what the recorder reports. */
  static final class Counting implements RecorderListener {
    final AtomicLong written = new AtomicLong();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicLong dropped = new AtomicLong();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger available = new AtomicInteger();

    @Override
    public void written(int count, long nanos) {
      written.addAndGet(count);
      batches.incrementAndGet();
    }

    @Override
    public void dropped(int count) {
      dropped.addAndGet(count);
    }

    @Override
    public void storeUnavailable(HistoryException e) {
      unavailable.incrementAndGet();
    }

    @Override
    public void storeAvailable() {
      available.incrementAndGet();
    }
  }

  /**
   * A store that keeps appended records in memory and fails every call while {@code failing}, or
   * refuses batches holding customer {@code refuse} while still answering its check.
   */
  static final class FlakyStore implements PredictionStore {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger attempts = new AtomicInteger();
    final List<PredictionRecord> records = new CopyOnWriteArrayList<>();
    volatile String refuse = "";

    @Override
    public void append(List<PredictionRecord> batch) {
      if (failing.get()) {
        attempts.incrementAndGet();
        throw new HistoryException("fake: down", null);
      }
      if (batch.stream().anyMatch(r -> r.customerId().equals(refuse))) {
        attempts.incrementAndGet();
        throw new HistoryException("fake: refused", null);
      }
      records.addAll(batch);
    }

    @Override
    public void check() {
      if (failing.get()) {
        throw new HistoryException("fake: down", null);
      }
    }

    @Override
    public PredictionStats stats(TimeRange range) {
      return new PredictionStats(Summary.EMPTY, Map.of(), Map.of(), Optional.empty(), Optional.empty());
    }

    @Override
    public List<StoredPrediction> list(PredictionFilter filter, Optional<Cursor> after, int limit) {
      return Collections.emptyList();
    }

    @Override
    public List<ProbabilityBucket> riskDistribution(PredictionFilter filter, int bucketCount) {
      return List.of();
    }

    @Override
    public List<TimeBucket> churnOverTime(PredictionFilter filter, Granularity granularity) {
      return List.of();
    }

    @Override
    public OutcomeCounts recordOutcomes(List<OutcomeRecord> outcomes, java.time.Duration horizon) {
      return OutcomeCounts.NONE;
    }

    @Override
    public JoinedOutcomes joinedOutcomes(PredictionFilter filter, java.time.Duration horizon) {
      return new JoinedOutcomes(new double[0], new boolean[0]);
    }

    @Override
    public ServedFeatures servedFeatures(PredictionFilter filter, List<FeatureBinning> features) {
      return new ServedFeatures(0, java.util.Map.of());
    }

    @Override
    public Optional<Instant> earliest() {
      return Optional.empty();
    }

    @Override
    public long deleteBefore(Instant cutoff) {
      return 0;
    }

    @Override
    public String describe() {
      return "fake";
    }

    @Override
    public void close() {}
  }
}
