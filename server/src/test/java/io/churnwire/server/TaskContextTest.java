package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.telemetry.Logging;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TaskContextTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private final ScoringExecutor executor = new ScoringExecutor(1, 4);

  @AfterEach
  void stop() {
    executor.close();
    MDC.clear();
  }

  @Test
  void scoringTasks_runWithTheSubmittersRequestIdAndTrace_andLeaveNeitherBehind() throws Exception {
    CompletableFuture<String> id = new CompletableFuture<>();
    CompletableFuture<String> traceId = new CompletableFuture<>();
    SpanContext caller = SpanContext.createFromRemoteParent(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(),
        TraceState.getDefault());
    MDC.put(Logging.REQUEST_ID, "task-1");
    try (Scope ignored = Span.wrap(caller).makeCurrent()) {
      assertTrue(executor.tryAdmit());
      executor.scoreThenDeliver(() -> {
        id.complete(MDC.get(Logging.REQUEST_ID));
        traceId.complete(Span.current().getSpanContext().getTraceId());
        return null;
      });
    }
    MDC.clear();

    assertEquals("task-1", id.get(10, TimeUnit.SECONDS));
    assertEquals(TRACE_ID, traceId.get(10, TimeUnit.SECONDS));
    assertNull(nextTasksRequestId());
  }

  @Test
  void capacityCallbacks_runWithTheRequestIdOfTheWaiter_notOfTheReleasingTask() throws Exception {
    ScoringExecutor full = new ScoringExecutor(1, 1);
    try {
      assertTrue(full.tryAdmit());
      CompletableFuture<String> woken = new CompletableFuture<>();
      MDC.put(Logging.REQUEST_ID, "waiter");
      full.whenCapacity(() -> woken.complete(MDC.get(Logging.REQUEST_ID)));
      MDC.put(Logging.REQUEST_ID, "releaser");
      full.scoreThenDeliver(() -> null);
      MDC.clear();

      assertEquals("waiter", woken.get(10, TimeUnit.SECONDS));
    } finally {
      full.close();
    }
  }

  private String nextTasksRequestId() throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    assertTrue(executor.tryAdmit());
    executor.scoreThenDeliver(() -> {
      seen.complete(MDC.get(Logging.REQUEST_ID));
      return null;
    });
    return seen.get(10, TimeUnit.SECONDS);
  }
}
