package io.churnwire.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code PredictBatch} streams open now, so the metrics can say how many there are and how many
 * items their flow-control windows hold, read when metrics are collected rather than counted on
 * every item. A stream joins when it opens and leaves when it ends, however it ends.
 */
final class StreamWindows {
  /** A stream's window, as the metrics read it. */
  interface Window {
    /** Items the stream holds now: requested, waiting for permits, being scored or waiting for the client. */
    int held();
  }

  private final Set<Window> open = ConcurrentHashMap.newKeySet();

  void opened(Window window) {
    open.add(window);
  }

  void closed(Window window) {
    open.remove(window);
  }

  /** Streams open now. */
  int open() {
    return open.size();
  }

  /** Items held in all open streams' windows. */
  long itemsHeld() {
    long held = 0;
    for (Window window : open) {
      held += window.held();
    }
    return held;
  }
}
