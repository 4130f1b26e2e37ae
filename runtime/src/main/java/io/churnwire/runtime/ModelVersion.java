package io.churnwire.runtime;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Model versions are content hashes: {@code "sha256:"} and the first 16 hex digits of the SHA-256
 * of model.pb, so the same compiled model always has the same version and a changed file never
 * passes for the old one.
 */
public final class ModelVersion {

  /** What a version looks like. */
  public static final Pattern PATTERN = Pattern.compile("sha256:[0-9a-f]{16}");

  private ModelVersion() {}

  /** The version of a model whose model.pb holds {@code bytes}. */
  public static String of(byte[] bytes) {
    return "sha256:" + sha256Hex(bytes).substring(0, 16);
  }

  /** Whether {@code text} is a version. */
  public static boolean isVersion(String text) {
    return PATTERN.matcher(text).matches();
  }

  /** The full SHA-256 of {@code bytes}, as 64 lower-case hex digits. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
