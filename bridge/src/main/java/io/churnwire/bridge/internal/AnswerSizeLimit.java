package io.churnwire.bridge.internal;

import io.churnwire.bridge.BridgeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps answers within what the producer and the broker accept. A dead letter copies its request,
 * so a request near the broker's limit makes a dead letter above it, which the broker would refuse
 * every time the request is read again. An answer larger than {@code max-request-size} therefore
 * never reaches the producer: the request is dead-lettered with its value cut to fit and headers
 * saying so. When the broker still refuses a record as too large (a topic's
 * {@code max.message.bytes} may be below the producer's limit), the dead letter is halved until it
 * passes, down to the bridge's own headers alone.
 */
public final class AnswerSizeLimit {

  /** Kafka's record batch header, paid once per batch. */
  private static final int BATCH_OVERHEAD = 61;
  /** A record's attributes and varint fields (length, timestamp, offset, key, value, header count) at their widest. */
  private static final int RECORD_OVERHEAD = 36;
  /** The two varint lengths of one header at their widest. */
  private static final int HEADER_OVERHEAD = 10;
  /** The error message kept when even the bridge's own headers do not fit. */
  private static final int SHORT_MESSAGE = 200;

  private final int maxRequestSize;
  private final String deadLetterTopic;

  /**
   * @param maxRequestSize the producer's {@code max.request.size}
   * @param deadLetterTopic where answers that do not fit go instead
   */
  public AnswerSizeLimit(int maxRequestSize, String deadLetterTopic) {
    this.maxRequestSize = maxRequestSize;
    this.deadLetterTopic = deadLetterTopic;
  }

  /** The answer itself when it fits under {@code max-request-size}, else the request's dead letter cut to fit. */
  public ProducerRecord<byte[], byte[]> fit(InFlightRecord record, ProducerRecord<byte[], byte[]> answer) {
    return fitWithin(record, answer, maxRequestSize);
  }

  /**
   * A smaller dead letter for a record the broker refused as too large: at most half its size, or
   * empty when nothing is left to cut.
   */
  public Optional<ProducerRecord<byte[], byte[]>> shrink(InFlightRecord record, ProducerRecord<byte[], byte[]> refused) {
    int refusedSize = sizeOf(refused);
    ProducerRecord<byte[], byte[]> smaller = fitWithin(record, refused, Math.min(maxRequestSize, refusedSize / 2));
    return sizeOf(smaller) < refusedSize ? Optional.of(smaller) : Optional.empty();
  }

  /** An upper bound of the bytes the record takes in a batch of its own, uncompressed, as Kafka checks it. */
  public static int sizeOf(ProducerRecord<byte[], byte[]> record) {
    long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(record.key()) + length(record.value());
    for (Header header : record.headers()) {
      size += HEADER_OVERHEAD + header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private ProducerRecord<byte[], byte[]> fitWithin(InFlightRecord record, ProducerRecord<byte[], byte[]> answer,
      int limit) {
    int size = sizeOf(answer);
    if (size <= limit) {
      return answer;
    }
    ProducerRecord<byte[], byte[]> deadLetter = deadLetterTopic.equals(answer.topic()) ? answer
        : AnswerRecords.identified(AnswerRecords.deadLetter(deadLetterTopic, record.source(), record.correlationId(),
            new DeadLetterCause(BridgeHeaders.REASON_ANSWER_TOO_LARGE, BridgeHeaders.CODE_ANSWER_TOO_LARGE,
                "the response of " + size + " bytes is larger than the " + limit + " bytes a record may take", "",
                0)), record);
    return truncate(deadLetter, record.source(), limit);
  }

  /**
   * Cuts a dead letter down to {@code limit}: first its value, then the request's own headers with
   * it, last the key and the long texts, keeping the headers that say what happened and where, the
   * request id and trace context (and the content type, to read what is left of the value).
   */
  private static ProducerRecord<byte[], byte[]> truncate(ProducerRecord<byte[], byte[]> deadLetter,
      ConsumerRecord<byte[], byte[]> source, int limit) {
    List<Header> marked = new ArrayList<>();
    for (Header header : deadLetter.headers()) {
      if (!header.key().equals(BridgeHeaders.TRUNCATED) && !header.key().equals(BridgeHeaders.ORIGINAL_SIZE)) {
        marked.add(header);
      }
    }
    marked.add(AnswerRecords.header(BridgeHeaders.TRUNCATED, "true"));
    marked.add(AnswerRecords.header(BridgeHeaders.ORIGINAL_SIZE, Integer.toString(length(source.value()))));

    var cut = withValueCut(deadLetter, deadLetter.key(), marked, limit);
    if (cut.isPresent()) {
      return cut.get();
    }
    List<Header> own = marked.stream().filter(AnswerSizeLimit::isOwn).toList();
    cut = withValueCut(deadLetter, deadLetter.key(), own, limit);
    if (cut.isPresent()) {
      return cut.get();
    }
    List<Header> minimal = own.stream()
        .filter(header -> !header.key().equals(BridgeHeaders.ERROR_VIOLATIONS))
        .map(header -> header.key().equals(BridgeHeaders.ERROR_MESSAGE) ? shortened(header) : header)
        .toList();
    return new ProducerRecord<>(deadLetter.topic(), null, (byte[]) null, (byte[]) null, minimal);
  }

  /** The dead letter with these headers and as much of its value as fits, or empty when not even an empty value fits. */
  private static Optional<ProducerRecord<byte[], byte[]>> withValueCut(ProducerRecord<byte[], byte[]> deadLetter,
      byte[] key, List<Header> headers, int limit) {
    var empty = new ProducerRecord<byte[], byte[]>(deadLetter.topic(), null, key, null, headers);
    int room = limit - sizeOf(empty);
    if (room < 0) {
      return Optional.empty();
    }
    byte[] value = deadLetter.value();
    if (value == null) {
      return Optional.of(empty);
    }
    return Optional.of(new ProducerRecord<>(deadLetter.topic(), null, key,
        Arrays.copyOf(value, Math.min(room, value.length)), headers));
  }

  private static boolean isOwn(Header header) {
    return header.key().startsWith("churnwire-") || header.key().equals(BridgeHeaders.CORRELATION_ID)
        || header.key().equals(BridgeHeaders.CONTENT_TYPE) || AnswerRecords.isTraceHeader(header.key());
  }

  private static Header shortened(Header header) {
    String text = new String(header.value(), StandardCharsets.UTF_8);
    return text.length() <= SHORT_MESSAGE ? header
        : AnswerRecords.header(header.key(), text.substring(0, SHORT_MESSAGE) + "...");
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
