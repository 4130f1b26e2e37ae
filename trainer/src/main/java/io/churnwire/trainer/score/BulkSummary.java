package io.churnwire.trainer.score;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What a bulk run did.
 *
 * @param read rows the input held
 * @param scored rows written to the output
 * @param rejected rows written to the rejects file
 * @param elapsed from opening the input to the output in place
 * @param modelVersions the versions that scored the rows, in the order first seen
 * @param scoredBy where scoring happened
 * @param output the result file
 * @param rejects the rejects file
 */
public record BulkSummary(long read, long scored, long rejected, Duration elapsed, Set<String> modelVersions,
    String scoredBy, Path output, Path rejects) {

  /** Input rows per second of the whole run. */
  public double rowsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? read / seconds : 0;
  }
}
