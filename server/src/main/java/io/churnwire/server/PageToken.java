package io.churnwire.server;

import io.churnwire.history.Cursor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An AIP-158 page token: opaque to callers, it carries where the next page starts and a digest of
 * the query it belongs to, so a token passed with other filters is refused rather than silently
 * paging a different list.
 */
final class PageToken {
  private static final String VERSION = "p1";
  private static final int MAX_LENGTH = 256;

  private PageToken() {}

  /** The token continuing after {@code cursor} in the query described by {@code scope}. */
  static String encode(Cursor cursor, String scope) {
    String text = String.join(":", VERSION, Long.toString(cursor.predictedAt().getEpochSecond()),
        Integer.toString(cursor.predictedAt().getNano()), Long.toString(cursor.id()), digest(scope));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The cursor of {@code token}; empty for the first page (no token).
   *
   * @throws InvalidRequestException naming {@code page_token} when the token is not one this server
   *     issued for the query described by {@code scope}
   */
  static Optional<Cursor> decode(String token, String scope) throws InvalidRequestException {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = token.length() > MAX_LENGTH ? new String[0] : parts(token);
    if (parts.length != 5 || !VERSION.equals(parts[0])) {
      throw invalid("is not a page token this server issued; pass next_page_token exactly as returned");
    }
    if (!digest(scope).equals(parts[4])) {
      throw invalid("belongs to a query with other filters; repeat the first call's filters with it");
    }
    try {
      long id = Long.parseLong(parts[3]);
      Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
      return Optional.of(new Cursor(at, id));
    } catch (NumberFormatException | DateTimeException e) {
      throw invalid("is not a page token this server issued; pass next_page_token exactly as returned");
    }
  }

  private static String[] parts(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split(":", -1);
    } catch (IllegalArgumentException e) {
      return new String[0];
    }
  }

  private static InvalidRequestException invalid(String description) {
    return new InvalidRequestException(java.util.List.of(com.google.rpc.BadRequest.FieldViolation.newBuilder()
        .setField("page_token").setDescription(description).build()));
  }

  private static String digest(String scope) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
