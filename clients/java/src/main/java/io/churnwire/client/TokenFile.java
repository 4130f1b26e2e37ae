package io.churnwire.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A bearer token kept in a file and read again when the file changes, so a rotated secret (a
 * renewed file, a Kubernetes Secret volume swapping its link) is sent without restarting the
 * client. The file is looked at no more than once per interval, by the call that finds the interval
 * passed; a file that cannot be read or holds no valid token keeps the last good token.
 */
final class TokenFile implements Supplier<String> {
  static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path file;
  private final long intervalNanos;
  private final AtomicLong nextCheck;
  private volatile String token;
  private volatile FileTime modified;
  private volatile long size = -1;

  /** Starts from {@code token}, already read from {@code file}. */
  TokenFile(Path file, String token, long intervalNanos) {
    this.file = file;
    this.token = token;
    this.intervalNanos = intervalNanos;
    this.nextCheck = new AtomicLong(System.nanoTime() + intervalNanos);
    remember(attributes());
  }

  @Override
  public String get() {
    long now = System.nanoTime();
    long next = nextCheck.get();
    if (now - next >= 0 && nextCheck.compareAndSet(next, now + intervalNanos)) {
      refresh();
    }
    return token;
  }

  private void refresh() {
    BasicFileAttributes now = attributes();
    if (now == null || now.lastModifiedTime().equals(modified) && now.size() == size) {
      return;
    }
    try {
      String fresh = ClientSecurity.readToken(file);
      ClientSecurity.requireTokenCharacters(fresh);
      token = fresh;
      remember(now);
    } catch (IOException | IllegalArgumentException unusable) {
      // a file being rewritten, or emptied by mistake: the last good token stays in use
    }
  }

  private void remember(BasicFileAttributes attributes) {
    if (attributes != null) {
      modified = attributes.lastModifiedTime();
      size = attributes.size();
    }
  }

  private BasicFileAttributes attributes() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }
}
