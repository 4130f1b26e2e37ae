package io.churnwire.reliability;

import com.google.protobuf.util.JsonFormat;
import io.churnwire.testsupport.Customers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;

/**
 * Hostile REST requests for every route Envoy transcodes: bodies that are not JSON, truncated
 * JSON, NaN and infinities, out-of-range and negative numbers, unknown enum names and numbers,
 * huge ids, control characters and invalid UTF-8, and query strings with the same.
 */
final class HostileRestRequests {
  private static final String[] BAD_VALUES = {
      "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1e400", "-1e400", "-1", "2147483648", "99999999999999999999",
      "-0", "\"CONTRACT_FOREVER\"", "99", "-5", "true", "null", "[]", "{}", "\"\\u0000\"", "\"x\\ny\""};
  private static final String[] FIELDS = {
      "request_id", "customer_id", "internet_service", "number_dependents", "number_referrals", "satisfaction_score",
      "tenure_in_months", "total_long_distance_charges", "total_revenue", "contract", "payment_method", "explain",
      "no_such_field"};

  private final Random random;
  private final Function<String, URI> rest;
  private final String valid;

  HostileRestRequests(long seed, Function<String, URI> rest) {
    this.random = new Random(seed);
    this.rest = rest;
    try {
      this.valid = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace()
          .print(Customers.risky());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized HttpRequest next() {
    return switch (random.nextInt(6)) {
      case 0, 1 -> post("/v1/customers:predict", hostileBody());
      case 2 -> post("/v1/customers:batchPredict", "{\"items\":[{\"item_id\":" + hostileString()
          + ",\"request\":" + new String(hostileBody(), StandardCharsets.UTF_8) + "}]}");
      case 3 -> get("/v1/customers:predict?" + hostileQuery());
      case 4 -> get("/v1/model?" + hostileQuery());
      default -> post("/v1/customers:batchPredict", randomBytes());
    };
  }

  private byte[] hostileBody() {
    return switch (random.nextInt(6)) {
      case 0 -> randomBytes();
      case 1 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1)).getBytes(StandardCharsets.UTF_8);
      case 2 -> withInvalidUtf8();
      default -> ("{" + valid.substring(1, valid.length() - 1) + ",\"" + FIELDS[random.nextInt(FIELDS.length)]
          + "\":" + badValue() + "}").getBytes(StandardCharsets.UTF_8);
    };
  }

  private String badValue() {
    return random.nextInt(8) == 0 ? hostileString() : BAD_VALUES[random.nextInt(BAD_VALUES.length)];
  }

  private String hostileString() {
    return switch (random.nextInt(3)) {
      case 0 -> "\"" + "x".repeat(1024 + random.nextInt(64 * 1024)) + "\"";
      case 1 -> "\"\\u0000\\u001b[31m\\u202e\\r\\n\"";
      default -> "12345";
    };
  }

  private byte[] withInvalidUtf8() {
    byte[] prefix = "{\"customer_id\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {(byte) 0xc3, 0x28, (byte) 0xff};
    byte[] suffix = ("\"," + valid.substring(1)).getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + bad.length + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    System.arraycopy(bad, 0, body, prefix.length, bad.length);
    System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
    return body;
  }

  private String hostileQuery() {
    String field = FIELDS[random.nextInt(FIELDS.length)];
    String value = switch (random.nextInt(4)) {
      case 0 -> "NaN";
      case 1 -> "%00%1b%ff%fe";
      case 2 -> URLEncoder.encode("x".repeat(1 + random.nextInt(4096)), StandardCharsets.UTF_8);
      default -> URLEncoder.encode(BAD_VALUES[random.nextInt(BAD_VALUES.length)], StandardCharsets.UTF_8);
    };
    return field + "=" + value;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[random.nextInt(257)];
    random.nextBytes(bytes);
    return bytes;
  }

  private HttpRequest post(String path, String body) {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest post(String path, byte[] body) {
    return HttpRequest.newBuilder(rest.apply(path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private HttpRequest get(String pathAndQuery) {
    return HttpRequest.newBuilder(rest.apply(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build();
  }
}
