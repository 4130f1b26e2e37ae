package io.churnwire.reliability;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counts by outcome (a status code name, an HTTP status), with a few examples each. */
final class Tally {
  private static final int EXAMPLES = 3;

  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentLinkedQueue<String>> examples = new ConcurrentHashMap<>();

  void add(String outcome) {
    counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** Counts {@code outcome} and keeps {@code example} if fewer than three are kept for it. */
  void add(String outcome, String example) {
    add(outcome);
    var kept = examples.computeIfAbsent(outcome, k -> new ConcurrentLinkedQueue<>());
    if (kept.size() < EXAMPLES) {
      kept.add(example.length() > 200 ? example.substring(0, 200) + "..." : example);
    }
  }

  long count(String outcome) {
    LongAdder count = counts.get(outcome);
    return count == null ? 0 : count.sum();
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Outcome to count, sorted by outcome. */
  Map<String, Long> snapshot() {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((outcome, count) -> sorted.put(outcome, count.sum()));
    return sorted;
  }

  List<String> examples(String outcome) {
    var kept = examples.get(outcome);
    return kept == null ? List.of() : List.copyOf(kept);
  }

  /** {@code CODE=count, ...} in one line. */
  String line() {
    StringBuilder out = new StringBuilder();
    snapshot().forEach((outcome, count) ->
        out.append(out.isEmpty() ? "" : ", ").append(outcome).append('=').append(String.format("%,d", count)));
    return out.isEmpty() ? "none" : out.toString();
  }
}
