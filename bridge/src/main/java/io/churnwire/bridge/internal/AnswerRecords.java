package io.churnwire.bridge.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.bridge.BridgeHeaders;
import io.churnwire.v1.PredictResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Builds the records the bridge produces: a response, or a dead letter that explains itself. */
public final class AnswerRecords {

  private AnswerRecords() {}

  /**
   * The correlation id of a request: its own {@code correlation-id} header when it has one, else
   * its request_id, else its topic-partition-offset, so every answer can be matched to a request.
   */
  public static String correlationId(ConsumerRecord<byte[], byte[]> request, String requestId) {
    String header = RecordCodec.lastHeader(request.headers(), BridgeHeaders.CORRELATION_ID);
    if (header != null && !header.isEmpty()) {
      return header;
    }
    if (requestId != null && !requestId.isEmpty()) {
      return requestId;
    }
    return request.topic() + "-" + request.partition() + "-" + request.offset();
  }

  /** The response record: same key as the request, same encoding, with a correlation header. */
  public static ProducerRecord<byte[], byte[]> response(String topic, ConsumerRecord<byte[], byte[]> request,
      String correlationId, PredictResponse response, Encoding encoding) {
    List<Header> headers = List.of(
        header(BridgeHeaders.CONTENT_TYPE, encoding.contentType()),
        header(BridgeHeaders.CORRELATION_ID, correlationId));
    return new ProducerRecord<>(topic, null, request.key(), RecordCodec.encode(response, encoding), headers);
  }

  /**
   * The dead letter: the request's key, value and headers unchanged, plus headers naming the error,
   * why it ended here and where the record came from so it can be found and replayed.
   */
  public static ProducerRecord<byte[], byte[]> deadLetter(String topic, ConsumerRecord<byte[], byte[]> request,
      String correlationId, DeadLetterCause cause) {
    List<Header> headers = new ArrayList<>();
    for (Header original : request.headers()) {
      if (!original.key().equals(BridgeHeaders.CORRELATION_ID)) {
        headers.add(original);
      }
    }
    headers.add(header(BridgeHeaders.CORRELATION_ID, correlationId));
    headers.add(header(BridgeHeaders.REASON, cause.reason()));
    headers.add(header(BridgeHeaders.ERROR_CODE, cause.code()));
    headers.add(header(BridgeHeaders.ERROR_MESSAGE, cause.message()));
    if (!cause.violations().isEmpty()) {
      headers.add(header(BridgeHeaders.ERROR_VIOLATIONS, cause.violations()));
    }
    if (cause.attempts() > 0) {
      headers.add(header(BridgeHeaders.ATTEMPTS, Integer.toString(cause.attempts())));
    }
    headers.add(header(BridgeHeaders.ORIGINAL_TOPIC, request.topic()));
    headers.add(header(BridgeHeaders.ORIGINAL_PARTITION, Integer.toString(request.partition())));
    headers.add(header(BridgeHeaders.ORIGINAL_OFFSET, Long.toString(request.offset())));
    return new ProducerRecord<>(topic, null, request.key(), request.value(), headers);
  }

  /**
   * The dead letter for a request the server answered with {@code status} for the last time,
   * naming its status code, its field violations, the reason and the attempts made.
   */
  public static ProducerRecord<byte[], byte[]> rejected(String topic, ConsumerRecord<byte[], byte[]> request,
      String correlationId, Status status, String reason, int attempts) {
    Code code = Code.forNumber(status.getCode());
    String codeName = code == null ? "CODE_" + status.getCode() : code.name();
    return deadLetter(topic, request, correlationId,
        new DeadLetterCause(reason, codeName, status.getMessage(), violations(status), attempts));
  }

  /**
   * {@code answer} carrying the record's {@code x-request-id}, {@code traceparent} and
   * {@code tracestate} in place of any it copied from the request.
   */
  public static ProducerRecord<byte[], byte[]> identified(ProducerRecord<byte[], byte[]> answer,
      InFlightRecord record) {
    List<Header> headers = new ArrayList<>();
    for (Header header : answer.headers()) {
      if (!isTraceHeader(header.key())) {
        headers.add(header);
      }
    }
    headers.addAll(record.trace().answerHeaders());
    return new ProducerRecord<>(answer.topic(), answer.partition(), answer.timestamp(), answer.key(), answer.value(),
        headers);
  }

  /** Whether {@code key} is one of the headers {@link #identified} sets. */
  static boolean isTraceHeader(String key) {
    return key.equals(BridgeHeaders.REQUEST_ID) || key.equals(BridgeHeaders.TRACEPARENT)
        || key.equals(BridgeHeaders.TRACESTATE);
  }

  /** The field violations packed in a status as {@code field: description} joined by {@code "; "}. */
  public static String violations(Status status) {
    var parts = new ArrayList<String>();
    for (var detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          for (var violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
            parts.add(violation.getField() + ": " + violation.getDescription());
          }
        } catch (InvalidProtocolBufferException e) {
          parts.add("(unreadable BadRequest detail)");
        }
      }
    }
    return String.join("; ", parts);
  }

  static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
