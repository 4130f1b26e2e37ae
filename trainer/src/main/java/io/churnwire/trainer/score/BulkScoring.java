package io.churnwire.trainer.score;

import io.churnwire.datasets.TelcoColumns;
import io.churnwire.datasets.TelcoCsvException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scores a whole customer file into a result file: one thread reads record batches, a small pool
 * checks and scores them (and renders them, for CSV), one thread writes them in input order.
 *
 * <p>Between the reader and the writer is a bounded queue of the pool's futures, in input order,
 * so memory stays at a few batches per thread whatever the file size. The stages watch one failure
 * slot: a writer that fails stops taking and cancels what is queued, and the reader, which never
 * blocks on the queue for longer than a short poll, sees the failure and stops too. Bad rows are
 * never failures: they go to the rejects file with their line and reason.
 */
public final class BulkScoring {

  private static final long POLL_MILLIS = 50;

  /**
   * One run's files and settings.
   *
   * @param input the customer file, with a customer id column and the model's features
   * @param inputFormat how it is laid out
   * @param output where the results go
   * @param outputFormat how they are laid out
   * @param rejects where the rows not scored go, as CSV
   * @param explain whether to add each row's top factors
   * @param threads scoring threads
   * @param batchRows rows per batch
   */
  public record Job(Path input, Format inputFormat, Path output, Format outputFormat, Path rejects, boolean explain,
      int threads, int batchRows) {

    /** Checks the settings; the messages name the option. */
    public Job {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(inputFormat, "inputFormat");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(outputFormat, "outputFormat");
      Objects.requireNonNull(rejects, "rejects");
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      }
      if (batchRows < 1) {
        throw new IllegalArgumentException("--batch-rows must be at least 1, got " + batchRows);
      }
      if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--output must not be the input file " + input);
      }
    }

    /** The default rejects file of {@code output}: beside it, {@code NAME.rejects.csv}. */
    public static Path rejectsBeside(Path output) {
      Path absolute = output.toAbsolutePath();
      String name = absolute.getFileName().toString();
      int dot = name.lastIndexOf('.');
      return absolute.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".rejects.csv");
    }
  }

  private BulkScoring() {}

  /**
   * Runs {@code job} with {@code scorer}, showing progress on {@code progress}.
   *
   * @throws UnusableFileException if the input cannot be read or lacks a column, or an output cannot
   *     be created; nothing was scored
   * @throws IOException if reading, scoring or writing fails part way; the output is not left behind
   */
  public static BulkSummary run(Job job, BatchScorer scorer, ScoreProgress progress) throws IOException {
    return run(job, scorer, progress, () -> create(job.output(), job.outputFormat(), job.explain()));
  }

  /** Opens what a result file is made of: the file itself, or in tests one that fails. */
  interface ResultFileFactory {
    ResultFile<?> create() throws IOException;
  }

  /** As {@link #run(Job, BatchScorer, ScoreProgress)}, with the result file from {@code resultFile}. */
  static BulkSummary run(Job job, BatchScorer scorer, ScoreProgress progress, ResultFileFactory resultFile)
      throws IOException {
    long start = System.nanoTime();
    try (CustomerSource source = open(job.input(), job.inputFormat())) {
      TelcoColumns columns;
      try {
        columns = TelcoColumns.customers(source.header(), scorer.schema(), job.input().getFileName().toString());
      } catch (TelcoCsvException e) {
        throw new UnusableFileException(e.getMessage(), e);
      }
      try (ResultFile<?> results = resultFile.create();
           RejectsFile rejects = RejectsFile.create(job.rejects())) {
        Counts counts = new Pipeline<>(job, source, columns, scorer, results, rejects, progress).run();
        results.finish();
        progress.finish(counts.read);
        return new BulkSummary(counts.read, counts.scored, counts.rejected,
            Duration.ofNanos(System.nanoTime() - start), Collections.unmodifiableSet(counts.versions),
            scorer.describe(), job.output(), job.rejects());
      }
    }
  }

  private static CustomerSource open(Path input, Format format) throws IOException {
    return switch (format) {
      case CSV -> CsvCustomerSource.open(input);
      case PARQUET -> ParquetCustomerSource.open(input);
    };
  }

  private static ResultFile<?> create(Path output, Format format, boolean explain) throws IOException {
    return switch (format) {
      case CSV -> CsvResultFile.create(output, explain);
      case PARQUET -> ParquetResultFile.create(output, explain);
    };
  }

  /** Totals the writer keeps; read by the caller after the writer has ended. */
  private static final class Counts {
    long read;
    long scored;
    long rejected;
    final Set<String> versions = new LinkedHashSet<>();
  }

  /** A batch scored and encoded, ready to write. */
  private record Done<E>(ScoredBatch scored, E encoded) {}

  /** One run's threads and the queue between them. */
  private static final class Pipeline<E> {
    private final Job job;
    private final CustomerSource source;
    private final TelcoColumns columns;
    private final BatchScorer scorer;
    private final ResultFile<E> results;
    private final RejectsFile rejects;
    private final ScoreProgress progress;
    private final BlockingQueue<Future<Done<E>>> queue;
    private final Future<Done<E>> end = CompletableFuture.completedFuture(null);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Counts counts = new Counts();
    private volatile boolean writerEnded;

    Pipeline(Job job, CustomerSource source, TelcoColumns columns, BatchScorer scorer, ResultFile<E> results,
        RejectsFile rejects, ScoreProgress progress) {
      this.job = job;
      this.source = source;
      this.columns = columns;
      this.scorer = scorer;
      this.results = results;
      this.rejects = rejects;
      this.progress = progress;
      this.queue = new ArrayBlockingQueue<>(2 * job.threads());
    }

    Counts run() throws IOException {
      AtomicInteger threadNumber = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(job.threads(), task -> {
        Thread thread = new Thread(task, "score-" + threadNumber.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      Thread writer = new Thread(this::writeAll, "score-writer");
      writer.setDaemon(true);
      writer.start();
      try {
        readAll(pool);
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, e);
      } finally {
        enqueue(end);
        join(writer);
        pool.shutdownNow();
      }
      Throwable failed = failure.get();
      if (failed != null) {
        throw failed instanceof IOException io ? io
            : failed instanceof UncheckedIOException unchecked ? unchecked.getCause()
            : new IOException("scoring failed: " + failed.getMessage(), failed);
      }
      return counts;
    }

    private void readAll(ExecutorService pool) throws IOException {
      RecordBatch batch;
      while (failure.get() == null && (batch = source.next(job.batchRows())) != null) {
        RecordBatch records = batch;
        Future<Done<E>> task = pool.submit(() -> {
          ScoredBatch scored = scorer.score(ParsedBatch.of(records, columns), job.explain());
          return new Done<>(scored, results.encode(scored));
        });
        if (!enqueue(task)) {
          task.cancel(true);
          return;
        }
      }
    }

    /** Queues {@code task} for the writer; false if the writer has ended and will not take it. */
    private boolean enqueue(Future<Done<E>> task) {
      try {
        while (!queue.offer(task, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          if (writerEnded) {
            return false;
          }
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
        return false;
      }
    }

    private void writeAll() {
      try {
        while (true) {
          Future<Done<E>> next = queue.take();
          if (next == end) {
            return;
          }
          Done<E> done = next.get();
          results.write(done.encoded());
          rejects.write(done.scored().rejects());
          count(done.scored());
          progress.update(counts.read, source.progress());
          if (failure.get() != null) {
            return;
          }
        }
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, e);
      } finally {
        writerEnded = true;
        Future<Done<E>> queued;
        while ((queued = queue.poll()) != null) {
          queued.cancel(true);
        }
      }
    }

    private void count(ScoredBatch batch) {
      counts.read += batch.read();
      counts.scored += batch.count();
      counts.rejected += batch.rejects().size();
      String last = null;
      for (String version : batch.modelVersions()) {
        if (!version.equals(last)) {
          counts.versions.add(version);
          last = version;
        }
      }
    }

    private static void join(Thread thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
