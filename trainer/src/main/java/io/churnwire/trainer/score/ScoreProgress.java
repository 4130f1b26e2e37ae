package io.churnwire.trainer.score;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a run's progress on the error stream: on a terminal a bar redrawn in place a few times a
 * second; otherwise (a log, CI) a plain line every few seconds.
 */
public final class ScoreProgress {
  private static final int WIDTH = 30;
  private static final long TERMINAL_EVERY_NANOS = 200_000_000L;
  private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

  private final PrintWriter out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long lastShown = start;
  private int lastLength;

  /** Progress on {@code out}, drawn as a bar when {@code terminal}. */
  public ScoreProgress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Tells how far the run is: rows written so far, and the share of the input read. */
  void update(long rows, double fraction) {
    long now = System.nanoTime();
    if (now - lastShown < (terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS)) {
      return;
    }
    lastShown = now;
    show(line(rows, fraction, now), false);
  }

  /** Ends the bar, if one was drawn. */
  void finish(long rows) {
    if (terminal) {
      show(line(rows, 1, System.nanoTime()), true);
    }
  }

  private String line(long rows, double fraction, long now) {
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = (now - start) / 1e9;
    return String.format(Locale.ROOT, "[%s%s] %3d%% %,d rows, %,.0f rows/s (%d:%02d)", "#".repeat(filled),
        "-".repeat(WIDTH - filled), Math.round(fraction * 100), rows, seconds > 0 ? rows / seconds : 0,
        (long) seconds / 60, (long) seconds % 60);
  }

  private void show(String line, boolean last) {
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())) + (last ? "\n" : ""));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }
}
