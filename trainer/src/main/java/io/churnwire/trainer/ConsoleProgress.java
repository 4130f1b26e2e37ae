package io.churnwire.trainer;

import io.churnwire.training.ModelTrainer;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training progress on the error stream: a bar redrawn in place on a terminal, one line per
 * step otherwise (so logs and CI output stay readable).
 */
final class ConsoleProgress implements ModelTrainer.Listener {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private int lastLength;
  private int total;

  ConsoleProgress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void step(String step, int done, int total) {
    this.total = total;
    int filled = total == 0 ? WIDTH : done * WIDTH / total;
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    String line = String.format(Locale.ROOT, "[%s%s] %d/%d %s (%d:%02d)", "#".repeat(filled),
        "-".repeat(WIDTH - filled), done, total, step, seconds / 60, seconds % 60);
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the bar with a full line. */
  void finish() {
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    String line = String.format(Locale.ROOT, "[%s] %d/%d done (%d:%02d)", "#".repeat(WIDTH), total, total,
        seconds / 60, seconds % 60);
    out.println(terminal ? "\r" + line + " ".repeat(Math.max(0, lastLength - line.length())) : line);
    out.flush();
  }
}
