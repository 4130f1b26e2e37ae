package io.churnwire.history;

import java.time.Duration;
import java.time.Instant;

/** Waits for something that happens in the background, failing with its last error after a generous bound. */
final class Eventually {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private Eventually() {}

  static void passes(Runnable check) throws InterruptedException {
    Instant deadline = Instant.now().plus(BOUND);
    while (true) {
      try {
        check.run();
        return;
      } catch (RuntimeException | AssertionError e) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("still failing after " + BOUND + ": " + e.getMessage(), e);
        }
        Thread.sleep(50);
      }
    }
  }
}
