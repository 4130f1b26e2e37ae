package io.churnwire.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code jcmd Thread.print} dump, parsed into threads, to tell an idle server from one with a
 * scoring thread or a stream stuck after every client has gone.
 */
record ThreadDump(List<ThreadDump.Thread> threads) {

  /** One thread: its name, state and frames, innermost first. */
  record Thread(String name, String state, List<String> frames) {
    /** Parked in the pool's queue, waiting for work: what an idle scoring thread does. */
    boolean waitingForWork() {
      return frames.stream().anyMatch(f -> f.contains("ThreadPoolExecutor.getTask"));
    }

    boolean inProjectCode() {
      return frames.stream().anyMatch(f -> f.contains("io.churnwire."));
    }
  }

  ThreadDump {
    threads = List.copyOf(threads);
  }

  static ThreadDump parse(String dump) {
    List<Thread> threads = new ArrayList<>();
    String name = null;
    String state = "";
    List<String> frames = new ArrayList<>();
    for (String line : dump.split("\n")) {
      if (line.startsWith("\"")) {
        if (name != null) {
          threads.add(new Thread(name, state, frames));
        }
        name = line.substring(1, Math.max(1, line.indexOf('"', 1)));
        state = "";
        frames = new ArrayList<>();
      } else if (name != null && line.strip().startsWith("java.lang.Thread.State:")) {
        state = line.strip().substring("java.lang.Thread.State:".length()).strip();
      } else if (name != null && line.strip().startsWith("at ")) {
        frames.add(line.strip().substring(3));
      }
    }
    if (name != null) {
      threads.add(new Thread(name, state, frames));
    }
    return new ThreadDump(threads);
  }

  /** The scoring threads ({@code churnwire-scoring-N}). */
  List<Thread> scoringThreads() {
    return threads.stream().filter(t -> t.name().startsWith("churnwire-scoring-")).toList();
  }

  /**
   * Threads that, on an idle server, are still busy or blocked in the project's code: a scoring
   * thread not waiting for work, or any other thread (but {@code main}, which waits for the
   * shutdown signal) blocked or waiting inside {@code io.churnwire}.
   */
  List<Thread> stuck() {
    List<Thread> stuck = new ArrayList<>();
    for (Thread thread : threads) {
      boolean scoring = thread.name().startsWith("churnwire-scoring-");
      if (scoring && !thread.waitingForWork()) {
        stuck.add(thread);
      } else if (!scoring && !thread.name().equals("main") && thread.inProjectCode()
          && !thread.state().startsWith("RUNNABLE")) {
        stuck.add(thread);
      }
    }
    return stuck;
  }
}
