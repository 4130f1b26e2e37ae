package io.churnwire.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes that survive a power loss or a kernel crash once they return: file contents are forced to
 * the device before a rename publishes them, and the directory holding a renamed or created entry
 * is forced after it, because a rename is only durable once its directory is. Without this a
 * crash can leave a pointer naming a file whose contents never reached the disk.
 */
public final class DurableFiles {

  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DurableFiles() {}

  /**
   * Writes {@code bytes} to a temporary sibling of {@code target}, forces it, renames it into place
   * atomically and forces the directory, so a reader sees the old or the new contents, never a
   * torn file, and the new contents survive a crash once this returns.
   */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(channel, bytes);
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(parent(target));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Appends {@code bytes} to {@code file}, creating it if needed, and forces file and directory. */
  public static void append(Path file, byte[] bytes) throws IOException {
    boolean created = !Files.exists(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      writeFully(channel, bytes);
      channel.force(true);
    }
    if (created) {
      syncDirectory(parent(file));
    }
  }

  /**
   * Renames the directory {@code source} to {@code target} atomically after forcing every file and
   * directory below it, then forces {@code target}'s parent.
   */
  public static void moveTreeAtomically(Path source, Path target) throws IOException {
    syncTree(source);
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(parent(target));
  }

  /** Forces every regular file and directory in the tree at {@code root}, deepest first. */
  public static void syncTree(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        syncDirectory(path);
      } else if (Files.isRegularFile(path)) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
          channel.force(true);
        }
      }
    }
  }

  /**
   * Forces the directory {@code dir}, making the entries created, renamed or removed in it durable.
   * Opening a directory for reading works on POSIX systems; elsewhere (Windows) directories cannot be
   * opened and the file system orders metadata itself, so this does nothing there.
   */
  public static void syncDirectory(Path dir) throws IOException {
    if (!POSIX) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static Path parent(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent != null ? parent : file.toAbsolutePath();
  }
}
