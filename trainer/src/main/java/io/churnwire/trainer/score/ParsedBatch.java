package io.churnwire.trainer.score;

import io.churnwire.datasets.TelcoColumns;
import io.churnwire.datasets.TelcoCsvException;
import java.util.ArrayList;
import java.util.List;

/**
 * A record batch after the row check: the good rows as one row-major block, ready for the
 * runtime's block path, and the bad ones as rejects.
 *
 * @param read records the file held for this batch
 * @param count good rows
 * @param lines where each good row is in the file
 * @param customerIds each good row's customer id
 * @param rows {@code count} rows of {@code columns.schema().size()} values, one after another
 * @param rejects the records that failed the check, in file order
 */
public record ParsedBatch(int read, int count, long[] lines, String[] customerIds, double[] rows,
    List<Reject> rejects) {

  /** Checks every record of {@code batch} against {@code columns}. */
  static ParsedBatch of(RecordBatch batch, TelcoColumns columns) {
    int n = batch.records().size();
    int width = columns.schema().size();
    long[] lines = new long[n];
    String[] ids = new String[n];
    double[] rows = new double[n * width];
    List<Reject> rejects = new ArrayList<>(batch.unreadable());
    int good = 0;
    for (int i = 0; i < n; i++) {
      List<String> cells = batch.records().get(i);
      long line = batch.lines()[i];
      String id = "";
      try {
        id = columns.customerId(cells, line);
        columns.read(cells, line, rows, good * width);
        lines[good] = line;
        ids[good] = id;
        good++;
      } catch (TelcoCsvException e) {
        rejects.add(new Reject(line, id, reason(e)));
      }
    }
    if (!batch.unreadable().isEmpty()) {
      rejects.sort((a, b) -> Long.compare(a.line(), b.line()));
    }
    return new ParsedBatch(batch.read(), good, lines, ids, rows, List.copyOf(rejects));
  }

  /** The problem without the file and line, which the reject carries apart. */
  private static String reason(TelcoCsvException e) {
    return (e.column() == null ? "" : "column '" + e.column() + "': ") + e.problem();
  }
}
