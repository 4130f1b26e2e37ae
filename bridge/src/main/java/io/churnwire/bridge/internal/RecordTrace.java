package io.churnwire.bridge.internal;

import io.churnwire.telemetry.Logging;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

/**
 * What identifies one request record from poll to acknowledgement: its request id, the trace
 * context its work runs in (the record's processing span, a child of the request's
 * {@code traceparent}), and the headers every answer to it carries.
 */
public final class RecordTrace {

  /** A record nothing is known about, as tests and abandoned records have. */
  static final RecordTrace NONE = new RecordTrace(null, Context.root(), Span.getInvalid(), List.of());

  private final String requestId;
  private final Context context;
  private final Span span;
  private final List<Header> answerHeaders;
  private final AtomicBoolean ended = new AtomicBoolean();

  RecordTrace(String requestId, Context context, Span span, List<Header> answerHeaders) {
    this.requestId = requestId;
    this.context = context;
    this.span = span;
    this.answerHeaders = List.copyOf(answerHeaders);
  }

  /** The request id; null when none was determined. */
  public String requestId() {
    return requestId;
  }

  /** The context with the record's span, for the work and the log lines about it. */
  public Context context() {
    return context;
  }

  /** {@code x-request-id}, {@code traceparent} and {@code tracestate} as every answer carries them. */
  public List<Header> answerHeaders() {
    return answerHeaders;
  }

  /**
   * Makes this record's context current and puts its request id in the MDC, so log lines about it
   * carry {@code request_id} and {@code trace_id}; closing restores the thread as it was.
   */
  public Scope enter() {
    String previous = MDC.get(Logging.REQUEST_ID);
    if (requestId != null) {
      MDC.put(Logging.REQUEST_ID, requestId);
    }
    Scope otel = context.makeCurrent();
    return () -> {
      otel.close();
      if (previous == null) {
        MDC.remove(Logging.REQUEST_ID);
      } else {
        MDC.put(Logging.REQUEST_ID, previous);
      }
    };
  }

  /** Ends the span once the answer is acknowledged; {@code deadLetterReason} marks it an error. */
  void answered(String deadLetterReason) {
    if (ended.compareAndSet(false, true)) {
      if (deadLetterReason != null) {
        span.setStatus(StatusCode.ERROR, "dead-lettered: " + deadLetterReason);
      }
      span.end();
    }
  }

  /** Ends the span of a record whose answer will not be sent by this instance. */
  void dropped(String why) {
    if (ended.compareAndSet(false, true)) {
      span.setStatus(StatusCode.ERROR, why);
      span.end();
    }
  }
}
