package io.churnwire.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens file ({@code --auth-tokens-file}) followed as it changes: read at start, where a bad
 * line stops the server naming it, and re-read by {@link #refresh} whenever its content differs. A
 * change that does not parse keeps the tokens in force and is logged once, naming the line, so a
 * typo while editing never locks every caller out.
 */
final class AuthTokensFile implements Supplier<AuthTokens> {
  private static final Logger log = LoggerFactory.getLogger(AuthTokensFile.class);

  private final Path file;
  private volatile AuthTokens current;
  private byte[] lastSeen;

  private AuthTokensFile(Path file, AuthTokens current, byte[] lastSeen) {
    this.file = file;
    this.current = current;
    this.lastSeen = lastSeen;
  }

  /**
   * Reads and parses {@code file}.
   *
   * @throws IOException when it cannot be read or a line is bad, naming the file and the line
   */
  static AuthTokensFile load(Path file) throws IOException {
    byte[] content = read(file);
    try {
      return new AuthTokensFile(file, parse(content), content);
    } catch (IllegalArgumentException e) {
      throw new IOException("auth-tokens-file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AuthTokens get() {
    return current;
  }

  /** Re-reads the file if its content changed since it was last read; never throws. */
  synchronized void refresh() {
    byte[] content;
    try {
      content = read(file);
    } catch (IOException e) {
      if (lastSeen != null) {
        log.warn("cannot read auth-tokens-file {}; keeping the {} credentials in force: {}", file,
            current.size(), SafeLog.value(String.valueOf(e.getMessage()), SafeLog.MAX_MESSAGE_CHARS));
        lastSeen = null;
      }
      return;
    }
    if (Arrays.equals(content, lastSeen)) {
      return;
    }
    lastSeen = content;
    try {
      current = parse(content);
      log.info("auth-tokens-file {} re-read: {} credentials", file, current.size());
    } catch (IllegalArgumentException e) {
      log.warn("auth-tokens-file {} not re-read, keeping the {} credentials in force: {}", file, current.size(),
          e.getMessage());
    }
  }

  private static AuthTokens parse(byte[] content) {
    List<String> lines = new String(content, StandardCharsets.UTF_8).lines().toList();
    return AuthTokens.parse(lines);
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read auth-tokens-file " + file + ": " + e, e);
    }
  }
}
