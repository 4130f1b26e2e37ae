package io.churnwire.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log for events callers can trigger at will (bad requests, undecodable messages, a request
 * that makes the model fail): at most one line per interval, which says how many similar lines
 * were suppressed since the last one, so a hostile or broken client cannot flood the log. A
 * trailing throwable argument is written as one line of text, or, for server faults whose cause an
 * operator must see, with its stack trace when the log is built {@link #withStackTraces}.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextLineAt;
  private final AtomicLong suppressed = new AtomicLong();
  private final boolean stackTraces;

  RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit) {
    this(log, level, interval, unit, System::nanoTime, false);
  }

  RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit, LongSupplier nanoClock,
      boolean stackTraces) {
    this.log = log;
    this.level = level;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextLineAt = new AtomicLong(nanoClock.getAsLong());
    this.stackTraces = stackTraces;
  }

  /** The same log, writing the stack trace of a trailing throwable argument. */
  RateLimitedLog withStackTraces() {
    return new RateLimitedLog(log, level, intervalNanos, TimeUnit.NANOSECONDS, nanoClock, true);
  }

  /**
   * Logs {@code message} (an SLF4J pattern; its arguments must already be {@link SafeLog safe})
   * unless a line was written less than an interval ago, in which case it is only counted.
   */
  void log(String message, Object... arguments) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    long now = nanoClock.getAsLong();
    long next = nextLineAt.get();
    if (now - next < 0 || !nextLineAt.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long dropped = suppressed.getAndSet(0);
    String line = dropped == 0 ? message : message + " (" + dropped + " similar lines suppressed)";
    log.atLevel(level).log(line, withThrowableAsText(arguments));
  }

  /**
   * A trailing throwable argument fills its placeholder as text; with stack traces it is also
   * passed once more, past the placeholders, where SLF4J prints its stack.
   */
  private Object[] withThrowableAsText(Object[] arguments) {
    if (arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable t) {
      Object[] copy = java.util.Arrays.copyOf(arguments, arguments.length + (stackTraces ? 1 : 0));
      copy[arguments.length - 1] = SafeLog.value(t.toString(), SafeLog.MAX_MESSAGE_CHARS);
      if (stackTraces) {
        copy[arguments.length] = t;
      }
      return copy;
    }
    return arguments;
  }
}
