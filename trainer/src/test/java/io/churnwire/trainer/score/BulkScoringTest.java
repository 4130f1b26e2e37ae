package io.churnwire.trainer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnwire.datasets.SyntheticCustomerFile;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.DemoRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's failure handling, with a result file that fails as a full disk would. */
class BulkScoringTest {

  @TempDir Path dir;

  /** Takes two batches, then fails every write. */
  static final class FailingResults implements ResultFile<ScoredBatch> {
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public ScoredBatch encode(ScoredBatch batch) {
      return batch;
    }

    @Override
    public void write(ScoredBatch encoded) throws IOException {
      if (writes.incrementAndGet() > 2) {
        throw new IOException("No space left on device");
      }
    }

    @Override
    public void finish() {
      throw new AssertionError("a failed run must not finish its output");
    }

    @Override
    public void close() {}
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void run_writerFails_theRunStopsWithTheWritersErrorInsteadOfHangingTheReader() throws Exception {
    Path input = dir.resolve("customers.csv");
    SyntheticCustomerFile.write(input, 20_000, 3);
    ModelRegistry models = ModelRegistry.at(DemoRegistry.shared());
    BatchScorer scorer = BatchScorer.inProcess(models.load(models.production().orElseThrow()));
    Path output = dir.resolve("out.csv");
    BulkScoring.Job job = new BulkScoring.Job(input, Format.CSV, output, Format.CSV,
        BulkScoring.Job.rejectsBeside(output), false, 2, 100);
    FailingResults results = new FailingResults();

    IOException failure = assertThrows(IOException.class, () -> BulkScoring.run(job, scorer,
        new ScoreProgress(new PrintWriter(new StringWriter()), false), () -> results));

    assertEquals("No space left on device", failure.getMessage());
    assertEquals(3, results.writes.get(), "the writer stops at its first failure");
    assertFalse(Files.exists(output));
  }

  @Test
  void rejectsBeside_namesTheRejectsFileAfterTheOutput() {
    assertEquals(dir.resolve("scores.rejects.csv"), BulkScoring.Job.rejectsBeside(dir.resolve("scores.parquet")));
  }
}
