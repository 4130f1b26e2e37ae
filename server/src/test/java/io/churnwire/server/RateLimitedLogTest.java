package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

class RateLimitedLogTest {
  private final Queue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final AtomicLong now = new AtomicLong();
  private final RateLimitedLog log = new RateLimitedLog(
      new EventRecordingLogger(new SubstituteLogger("test", events, false), events),
      Level.WARN, 10, TimeUnit.SECONDS, now::get, false);

  @Test
  void log_manyLinesWithinAnInterval_writesOneThenSaysHowManyWereSuppressed() {
    for (int i = 0; i < 500; i++) {
      log.log("bad request {}", i);
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(11));
    log.log("bad request {}", 500);

    assertEquals(List.of("bad request 0", "bad request 500 (499 similar lines suppressed)"), lines());
  }

  @Test
  void log_throwableArgument_isWrittenAsTextWithoutAStackTrace() {
    log.log("failed: {}", new IllegalStateException("broken"));

    SubstituteLoggingEvent event = events.peek();
    assertNull(event.getThrowable());
    assertEquals(List.of("failed: java.lang.IllegalStateException: broken"), lines());
  }

  private List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (SubstituteLoggingEvent event : events) {
      lines.add(MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray()));
    }
    return lines;
  }

  @Test
  void log_withStackTraces_fillsThePlaceholderAndKeepsTheThrowableForItsStack() {
    IllegalStateException failure = new IllegalStateException("broken");

    log.withStackTraces().log("failed: {}", failure);

    assertEquals(List.of("failed: java.lang.IllegalStateException: broken"), lines());
    assertEquals(failure, events.peek().getThrowable());
  }
}
