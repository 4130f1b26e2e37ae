package io.churnwire.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log for events callers can trigger at will (bad requests, undecodable messages): at most one
 * line per interval, which says how many similar lines were suppressed since the last one, so a
 * hostile or broken client cannot flood the log. Lines never carry a stack trace.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextLineAt;
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit) {
    this(log, level, interval, unit, System::nanoTime);
  }

  RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.log = log;
    this.level = level;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextLineAt = new AtomicLong(nanoClock.getAsLong());
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
    log.atLevel(level).log(line, withoutThrowable(arguments));
  }

  /** SLF4J prints a trailing throwable argument with its stack; it is printed as text instead. */
  private static Object[] withoutThrowable(Object[] arguments) {
    if (arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable t) {
      Object[] copy = arguments.clone();
      copy[copy.length - 1] = t.toString();
      return copy;
    }
    return arguments;
  }
}
