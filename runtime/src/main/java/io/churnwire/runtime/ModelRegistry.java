package io.churnwire.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of immutable, content-addressed model versions and a {@code production} pointer, so
 * that models can be compared, promoted and rolled back, and a server can follow the pointer.
 *
 * <pre>
 * root/
 *   versions/sha256-0123456789abcdef/   model.pb, metadata.json, metrics.json, report/ (optional)
 *   production                          the production version, e.g. "sha256:0123456789abcdef"
 *   history.log                         one line per pointer move: time, promote|rollback, version
 * </pre>
 *
 * <p>A version directory is named after the hash of its model.pb and written once: it is built
 * under a temporary name and renamed into place, and registering the same model again leaves the
 * first copy alone. The pointer is replaced atomically, so a reader sees the old or the new version,
 * never a torn file. Pointer moves hold a file lock, so two operators cannot interleave them.
 * Rollback replays the history as a stack (promote pushes, rollback pops) and moves the pointer to
 * the version that was production before the current one was promoted.
 */
public final class ModelRegistry {

  /** Sub-directory holding the versions. */
  public static final String VERSIONS = "versions";

  /** File naming the production version. */
  public static final String PRODUCTION = "production";

  /** Append-only log of pointer moves. */
  public static final String HISTORY = "history.log";

  private static final String LOCK = ".lock";
  private static final Pattern VERSION = ModelVersion.PATTERN;
  private static final Pattern DIRECTORY = Pattern.compile("sha256-[0-9a-f]{16}");
  private static final Object JVM_LOCK = new Object();

  private final Path root;

  private ModelRegistry(Path root) {
    this.root = root;
  }

  /** The registry rooted at {@code root}; nothing is created until something is written. */
  public static ModelRegistry at(Path root) {
    return new ModelRegistry(root);
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /** Whether {@code dir} looks like a registry: it has a versions directory or a pointer. */
  public static boolean isRegistry(Path dir) {
    return Files.isDirectory(dir.resolve(VERSIONS)) || Files.exists(dir.resolve(PRODUCTION));
  }

  /** The file the production pointer is kept in. */
  public Path pointerFile() {
    return root.resolve(PRODUCTION);
  }

  /** The directory of {@code version}, e.g. {@code versions/sha256-0123456789abcdef}. */
  public Path versionDir(String version) {
    requireVersion(version);
    return root.resolve(VERSIONS).resolve(version.replace(':', '-'));
  }

  /**
   * A registered version and where it lives.
   *
   * @param version the version
   * @param dir its directory
   * @param created false when the same model was already registered
   */
  public record Registered(String version, Path dir, boolean created) {}

  /**
   * Writes {@code model} as a new version. Registering a version that exists already changes
   * nothing.
   *
   * @param extras called with the temporary directory before it is renamed into place, to add
   *     files such as metrics.json and a rendered report; may be null
   */
  public Registered register(ChurnModel model, Extras extras) throws IOException {
    String version = model.metadata().version();
    Path target = versionDir(version);
    return locked(() -> {
      if (Files.exists(target.resolve(ModelStore.MODEL_FILE))) {
        return new Registered(version, target, false);
      }
      Files.createDirectories(target.getParent());
      Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
      try {
        ModelStore.save(model, temp);
        if (extras != null) {
          extras.write(temp);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        deleteTree(temp);
      }
      return new Registered(version, target, true);
    });
  }

  /** Adds files to a version directory before it becomes visible. */
  @FunctionalInterface
  public interface Extras {
    /** Writes into {@code dir}. */
    void write(Path dir) throws IOException;
  }

  /**
   * One registered version, as listed.
   *
   * @param version the version
   * @param dir its directory
   * @param metadata its metadata, or empty when metadata.json is missing or invalid
   * @param problem why the metadata could not be read, or empty
   */
  public record Entry(String version, Path dir, Optional<ModelMetadata> metadata, Optional<String> problem) {}

  /** Every version directory, oldest training time first; unreadable ones last. */
  public List<Entry> list() throws IOException {
    Path versions = root.resolve(VERSIONS);
    if (!Files.isDirectory(versions)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!DIRECTORY.matcher(name).matches()) {
          continue;
        }
        String version = name.replace('-', ':');
        try {
          ModelMetadata metadata = MetadataJson.read(ModelStore.readText(dir.resolve(ModelStore.METADATA_FILE)))
              .metadata();
          entries.add(new Entry(version, dir, Optional.of(metadata), Optional.empty()));
        } catch (InvalidModelException e) {
          entries.add(new Entry(version, dir, Optional.empty(), Optional.of(e.getMessage())));
        }
      }
    }
    entries.sort(Comparator.comparing((Entry e) -> e.metadata().map(ModelMetadata::trainedAt).orElse(Instant.MAX))
        .thenComparing(Entry::version));
    return List.copyOf(entries);
  }

  /**
   * The version meant by {@code reference}: a full version ({@code sha256:…}), a directory name
   * ({@code sha256-…}) or an unambiguous prefix of at least four hex digits.
   *
   * @throws IllegalArgumentException if no version or more than one matches
   */
  public String resolve(String reference) throws IOException {
    String wanted = reference.strip().replace('-', ':');
    if (wanted.startsWith("sha256:")) {
      wanted = wanted.substring("sha256:".length());
    }
    if (wanted.length() < 4 || !wanted.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException("'" + reference + "' is not a version (sha256:<16 hex digits>) or a prefix of at least 4 hex digits");
    }
    String prefix = "sha256:" + wanted;
    List<String> matches = list().stream().map(Entry::version).filter(v -> v.startsWith(prefix)).toList();
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no version " + reference + " in " + root.resolve(VERSIONS));
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("'" + reference + "' matches " + matches.size() + " versions: " + matches);
    }
    return matches.getFirst();
  }

  /**
   * Loads {@code version} with every integrity check of {@link ModelStore#load}.
   *
   * @throws LegacyModelException naming the command that compiles it, when the version was
   *     written as a Java-serialized Smile model
   */
  public ChurnModel load(String version) throws IOException {
    Path dir = versionDir(version);
    try {
      return ModelStore.load(dir);
    } catch (LegacyModelException e) {
      throw new LegacyModelException("version " + version + " in " + root + " is a Java-serialized Smile "
          + "model (model.bin), which the runtime never deserializes; compile the registry's versions with: "
          + LegacyModelException.compileCommand(root));
    }
  }

  /** Decides whether a registered version may become production. */
  @FunctionalInterface
  public interface PromotionCheck {
    /**
     * Every reason {@code model}, registered in {@code dir}, must not be promoted; empty if it may.
     */
    List<String> problems(ChurnModel model, Path dir) throws IOException;
  }

  /**
   * The production version named by the pointer, or empty when there is none.
   *
   * @throws InvalidModelException if the pointer file holds something other than a version
   */
  public Optional<String> production() throws IOException {
    String content;
    try {
      content = Files.readString(pointerFile(), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (content.isEmpty()) {
      return Optional.empty();
    }
    if (!VERSION.matcher(content).matches()) {
      throw new InvalidModelException(pointerFile() + " holds '" + abbreviate(content)
          + "', expected a version such as sha256:0123456789abcdef");
    }
    return Optional.of(content);
  }

  /**
   * Makes {@code version} the production model once it loads with every integrity check and
   * passes {@code check}.
   *
   * @throws PromotionRefusedException listing every failed condition; the pointer is not moved
   */
  public void promote(String version, PromotionCheck check) throws IOException, PromotionRefusedException {
    List<String> problems = new ArrayList<>();
    try {
      ChurnModel model = load(version);
      problems.addAll(check.problems(model, versionDir(version)));
    } catch (InvalidModelException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new PromotionRefusedException(version, problems);
    }
    locked(() -> {
      movePointer(version, "promote");
      return null;
    });
  }

  /**
   * Moves the pointer back to the version that was production before the current one was
   * promoted, after checking that it still loads.
   *
   * @return the new production version
   * @throws IllegalStateException if there is no earlier version to return to
   */
  public String rollback() throws IOException {
    return locked(() -> {
      Deque<String> stack = stack();
      if (stack.size() < 2) {
        throw new IllegalStateException("nothing to roll back to: " + HISTORY + " records "
            + (stack.isEmpty() ? "no promotion" : "only the promotion of " + stack.peek()));
      }
      stack.pop();
      String previous = stack.peek();
      load(previous);
      movePointer(previous, "rollback");
      return previous;
    });
  }

  /**
   * One pointer move.
   *
   * @param at when it happened
   * @param action promote or rollback
   * @param version the version the pointer moved to
   */
  public record HistoryEntry(Instant at, String action, String version) {}

  /** Every pointer move, oldest first. */
  public List<HistoryEntry> history() throws IOException {
    Path file = root.resolve(HISTORY);
    if (!Files.exists(file)) {
      return List.of();
    }
    List<HistoryEntry> entries = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      for (String line : lines.toList()) {
        String[] parts = line.strip().split(" ");
        if (parts.length == 3 && VERSION.matcher(parts[2]).matches()
            && (parts[1].equals("promote") || parts[1].equals("rollback"))) {
          entries.add(new HistoryEntry(Instant.parse(parts[0]), parts[1], parts[2]));
        }
      }
    }
    return List.copyOf(entries);
  }

  /** The promotion stack replayed from the history; the top is the current production version. */
  private Deque<String> stack() throws IOException {
    Deque<String> stack = new ArrayDeque<>();
    for (HistoryEntry entry : history()) {
      if (entry.action().equals("promote")) {
        stack.push(entry.version());
      } else if (!stack.isEmpty()) {
        stack.pop();
      }
    }
    return stack;
  }

  private void movePointer(String version, String action) throws IOException {
    Files.createDirectories(root);
    ModelStore.writeAtomically(pointerFile(), (version + "\n").getBytes(StandardCharsets.UTF_8));
    Files.writeString(root.resolve(HISTORY), Instant.now() + " " + action + " " + version + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @FunctionalInterface
  private interface Locked<T> {
    T run() throws IOException;
  }

  private <T> T locked(Locked<T> action) throws IOException {
    Files.createDirectories(root);
    synchronized (JVM_LOCK) {
      try (FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return action.run();
      }
    }
  }

  private static void requireVersion(String version) {
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("'" + version + "' is not a version such as sha256:0123456789abcdef");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
