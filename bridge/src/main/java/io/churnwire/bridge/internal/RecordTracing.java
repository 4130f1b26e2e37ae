package io.churnwire.bridge.internal;

import io.churnwire.bridge.BridgeHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Gives each consumed record its request id and trace context. The request id is the record's
 * {@code x-request-id} header, else the request's own request_id, else a new UUID. The trace is
 * the W3C {@code traceparent}/{@code tracestate} of the record's headers: with tracing on, the
 * record gets a CONSUMER span ({@code <topic> process}) child of it, ended when its answer is
 * acknowledged, and answers carry that span's context; with tracing off OpenTelemetry's no-op
 * tracer hands the request's own context on, so answers carry the request's {@code traceparent}
 * unchanged.
 */
public final class RecordTracing {

  /** Longest request id the server accepts; a longer header is ignored rather than rejected there. */
  static final int MAX_REQUEST_ID_LENGTH = 256;

  private static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();

  private final Tracer tracer;
  private final String groupId;

  /** Traces with {@code openTelemetry}'s tracer, naming {@code groupId} on the spans. */
  public RecordTracing(OpenTelemetry openTelemetry, String groupId) {
    this.tracer = openTelemetry.getTracer("io.churnwire.bridge");
    this.groupId = groupId;
  }

  /** Records no span and hands each request's trace context on unchanged. */
  public static RecordTracing passThrough(String groupId) {
    return new RecordTracing(OpenTelemetry.propagating(ContextPropagators.create(PROPAGATOR)), groupId);
  }

  /**
   * The request id of {@code source}: its {@code x-request-id} header when it holds 1 to 256
   * visible ASCII characters, else {@code requestIdInValue} (the decoded request's, may be null or
   * empty), else a new UUID.
   */
  public static String requestId(ConsumerRecord<byte[], byte[]> source, String requestIdInValue) {
    String header = RecordCodec.lastHeader(source.headers(), BridgeHeaders.REQUEST_ID);
    if (header != null && isUsableId(header)) {
      return header;
    }
    if (requestIdInValue != null && !requestIdInValue.isEmpty()) {
      return requestIdInValue;
    }
    return UUID.randomUUID().toString();
  }

  /** Starts tracing {@code source} under {@code requestId}. */
  public RecordTrace start(ConsumerRecord<byte[], byte[]> source, String requestId) {
    Context parent = PROPAGATOR.extract(Context.root(), source.headers(), HeadersGetter.INSTANCE);
    Span span = tracer.spanBuilder(source.topic() + " process")
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(parent)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.operation.name", "process")
        .setAttribute("messaging.destination.name", source.topic())
        .setAttribute("messaging.destination.partition.id", Integer.toString(source.partition()))
        .setAttribute("messaging.kafka.offset", source.offset())
        .setAttribute("messaging.consumer.group.name", groupId)
        .setAttribute("churnwire.request_id", requestId)
        .startSpan();
    Context context = parent.with(span);
    List<Header> headers = new ArrayList<>();
    headers.add(header(BridgeHeaders.REQUEST_ID, requestId));
    PROPAGATOR.inject(context, headers, HeadersSetter.INSTANCE);
    return new RecordTrace(requestId, context, span, headers);
  }

  private static boolean isUsableId(String id) {
    return !id.isEmpty() && id.length() <= MAX_REQUEST_ID_LENGTH && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads trace context from a record's headers; the last header of a name wins, as everywhere in the bridge. */
  private enum HeadersGetter implements TextMapGetter<Headers> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Headers carrier) {
      Set<String> keys = new LinkedHashSet<>();
      carrier.forEach(header -> keys.add(header.key()));
      return keys;
    }

    @Override
    public String get(Headers carrier, String key) {
      return carrier == null ? null : RecordCodec.lastHeader(carrier, key);
    }
  }

  /** Writes trace context into the headers an answer will carry. */
  private enum HeadersSetter implements TextMapSetter<List<Header>> {
    INSTANCE;

    @Override
    public void set(List<Header> carrier, String key, String value) {
      if (carrier != null) {
        carrier.add(header(key, value));
      }
    }
  }
}
