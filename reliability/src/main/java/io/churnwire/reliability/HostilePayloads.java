package io.churnwire.reliability;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.PredictRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Hostile request bytes for every method: random and truncated bytes, invalid UTF-8 in string
 * fields, NaN and infinities, huge and negative numbers, unknown enum numbers, huge ids and control
 * characters. Sub-messages are written as raw length-delimited bytes, so a bad nested request
 * reaches the server exactly as built, not re-encoded by a builder.
 */
final class HostilePayloads {
  /** The ways a payload is made hostile; each call picks one. */
  enum Kind {
    RANDOM_BYTES, TRUNCATED, BAD_UTF8, NON_FINITE, HUGE_NUMBERS, NEGATIVE_NUMBERS, UNKNOWN_ENUMS, HUGE_IDS,
    CONTROL_CHARACTERS, WRONG_WIRE_TYPES
  }

  private static final byte[][] BAD_UTF8 = {
      {(byte) 0xc3, 0x28}, {(byte) 0xff, (byte) 0xfe}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {'o', 'k', (byte) 0x80}};
  private static final String[] CONTROL = {
      "\u0000", "\n", "\r\n", "\u001b[31mred", "\u2028", "\u202e", "\t", "\u0007", "\nERROR forged log line\n"};
  private static final double[] NON_FINITE = {
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

  private final Random random;
  private final int hugeIdBytes;

  /** @param hugeIdBytes largest id a {@link Kind#HUGE_IDS} payload carries */
  HostilePayloads(long seed, int hugeIdBytes) {
    this.random = new Random(seed);
    this.hugeIdBytes = hugeIdBytes;
  }

  synchronized Kind kind() {
    Kind[] kinds = Kind.values();
    return kinds[random.nextInt(kinds.length)];
  }

  /** A hostile {@code PredictRequest}. */
  synchronized byte[] predictRequest(Kind kind) {
    PredictRequest valid = Customers.risky().toBuilder().setRequestId("fuzz-" + random.nextInt(1_000_000)).build();
    return switch (kind) {
      case RANDOM_BYTES -> randomBytes();
      case TRUNCATED -> truncate(valid.toByteArray());
      case BAD_UTF8 -> concat(valid.toByteArray(), field(1 + random.nextInt(2), badUtf8()));
      case NON_FINITE -> valid.toBuilder()
          .setTotalRevenue(NON_FINITE[random.nextInt(NON_FINITE.length)])
          .setTotalLongDistanceCharges(NON_FINITE[random.nextInt(NON_FINITE.length)]).build().toByteArray();
      case HUGE_NUMBERS -> concat(valid.toBuilder()
          .setTenureInMonths(Integer.MAX_VALUE).setNumberReferrals(1 + random.nextInt(Integer.MAX_VALUE))
          .setTotalRevenue(random.nextBoolean() ? Double.MAX_VALUE : 1e300).build().toByteArray(),
          varint(4, Long.MAX_VALUE));
      case NEGATIVE_NUMBERS -> valid.toBuilder()
          .setNumberDependents(-1 - random.nextInt(Integer.MAX_VALUE)).setSatisfactionScore(Integer.MIN_VALUE)
          .setTotalRevenue(-random.nextDouble() * 1e9).setTotalLongDistanceCharges(-0.0).build().toByteArray();
      case UNKNOWN_ENUMS -> valid.toBuilder()
          .setContractValue(unknownEnumNumber()).setPaymentMethodValue(unknownEnumNumber())
          .setInternetServiceValue(unknownEnumNumber()).build().toByteArray();
      case HUGE_IDS -> valid.toBuilder().setRequestId(hugeText()).setCustomerId(hugeText()).build().toByteArray();
      case CONTROL_CHARACTERS -> valid.toBuilder().setRequestId(controlText()).setCustomerId(controlText())
          .build().toByteArray();
      case WRONG_WIRE_TYPES -> concat(valid.toByteArray(), field(10, randomBytes()), varint(2, 7));
    };
  }

  /** A hostile {@code PredictBatchRequest}: a hostile item id, a hostile request, or both. */
  synchronized byte[] batchItem(Kind kind) {
    byte[] itemId = switch (kind) {
      case BAD_UTF8 -> field(1, badUtf8());
      case HUGE_IDS -> field(1, hugeText().getBytes(StandardCharsets.UTF_8));
      case CONTROL_CHARACTERS -> field(1, controlText().getBytes(StandardCharsets.UTF_8));
      default -> field(1, ("item-" + random.nextInt(1_000)).getBytes(StandardCharsets.UTF_8));
    };
    return switch (kind) {
      case RANDOM_BYTES -> randomBytes();
      case TRUNCATED -> truncate(concat(itemId, field(2, Customers.risky().toByteArray())));
      default -> concat(itemId, field(2, predictRequest(kind)));
    };
  }

  /** A hostile {@code BatchPredictRequest} of one to eight hostile items. */
  synchronized byte[] batchPredictRequest(Kind kind) {
    if (kind == Kind.RANDOM_BYTES || kind == Kind.TRUNCATED && random.nextBoolean()) {
      return kind == Kind.RANDOM_BYTES ? randomBytes() : truncate(concat(field(1, batchItem(Kind.NON_FINITE))));
    }
    int items = 1 + random.nextInt(8);
    byte[][] fields = new byte[items][];
    for (int i = 0; i < items; i++) {
      fields[i] = field(1, batchItem(kind));
    }
    return concat(fields);
  }

  /** A hostile {@code ReloadModelRequest}: its one string field, {@code expected_version}, made bad. */
  synchronized byte[] reloadModelRequest(Kind kind) {
    return switch (kind) {
      case RANDOM_BYTES -> randomBytes();
      case TRUNCATED -> truncate(field(1, "0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
      case BAD_UTF8 -> field(1, badUtf8());
      case HUGE_IDS -> field(1, hugeText().getBytes(StandardCharsets.UTF_8));
      case WRONG_WIRE_TYPES, HUGE_NUMBERS, NEGATIVE_NUMBERS, NON_FINITE -> varint(1, random.nextLong());
      default -> field(1, controlText().getBytes(StandardCharsets.UTF_8));
    };
  }

  /** A hostile empty request ({@code GetModelMetadata}, {@code GetModelStatus}): bytes where none belong. */
  synchronized byte[] emptyRequest(Kind kind) {
    return switch (kind) {
      case RANDOM_BYTES -> randomBytes();
      case TRUNCATED -> truncate(field(1 + random.nextInt(20), randomBytes()));
      case BAD_UTF8 -> field(1, badUtf8());
      default -> concat(varint(1 + random.nextInt(1_000), random.nextLong()), field(7, controlText().getBytes(StandardCharsets.UTF_8)));
    };
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[random.nextInt(257)];
    random.nextBytes(bytes);
    return bytes;
  }

  private byte[] truncate(byte[] bytes) {
    return bytes.length < 2 ? randomBytes() : java.util.Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
  }

  private byte[] badUtf8() {
    byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
    return concat("id-".getBytes(StandardCharsets.UTF_8), bad);
  }

  private int unknownEnumNumber() {
    int[] numbers = {4, 5, 99, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20};
    return numbers[random.nextInt(numbers.length)];
  }

  /** Mostly tens of KiB; one in 500 is past the server's 4 MiB inbound limit. */
  private String hugeText() {
    int length = random.nextInt(500) == 0 ? 5 * 1024 * 1024 : 1024 + random.nextInt(Math.max(1, hugeIdBytes));
    return "x".repeat(length);
  }

  private String controlText() {
    StringBuilder text = new StringBuilder("id");
    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
      text.append(CONTROL[random.nextInt(CONTROL.length)]);
    }
    return text.toString();
  }

  /** A length-delimited field: tag, length, then {@code value} as given. */
  static byte[] field(int number, byte[] value) {
    return encode(out -> out.writeBytes(number, ByteString.copyFrom(value)));
  }

  private static byte[] varint(int number, long value) {
    return encode(out -> out.writeUInt64(number, value));
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(Writer writer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      writer.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
