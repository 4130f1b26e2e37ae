package io.churnwire.server;

import io.opentelemetry.context.Context;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Carries the submitting thread's logging and tracing context to the thread that runs a task: the
 * MDC (the call's request id) and the current OpenTelemetry context (the call's span, so lines
 * written there carry its trace id). The running thread's own MDC is restored afterwards, so no id
 * outlives its task.
 */
final class TaskContext {
  private TaskContext() {}

  /** {@code task}, run with the MDC and OpenTelemetry context current now. */
  static Runnable carry(Runnable task) {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    Runnable traced = Context.current().wrap(task);
    return () -> {
      Map<String, String> previous = MDC.getCopyOfContextMap();
      if (mdc == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(mdc);
      }
      try {
        traced.run();
      } finally {
        if (previous == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(previous);
        }
      }
    };
  }
}
