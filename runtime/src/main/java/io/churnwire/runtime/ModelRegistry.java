package io.churnwire.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
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
 *   history.log                         one line per pointer move: time, action, version
 * </pre>
 *
 * <p>A version directory is named after the hash of its model.pb and written once: it is built
 * under a temporary name and renamed into place, and registering the same model again leaves the
 * first copy alone. The pointer is replaced atomically, so a reader sees the old or the new version,
 * never a torn file. Every write is forced to disk, the directory after each rename included
 * ({@link DurableFiles}), so what a call wrote survives a crash once it returns.
 *
 * <p>Promote and rollback hold the registry lock (a file lock, so two command lines in two processes
 * exclude each other, and a monitor for threads of one JVM) from the moment they read the pointer to
 * the moment they move it: the checks and the move are one step. Given the version the caller
 * expects to be production, they refuse with {@link ProductionChangedException} when another move
 * came first, instead of silently undoing it.
 *
 * <p>Rollback replays the history as a stack ({@code promote} pushes, {@code rollback} pops) and
 * moves the pointer to the version that was production before the current one was promoted.
 * <b>Invariant:</b> a move appends its history line before it replaces the pointer, so every version
 * the pointer ever named is in the history, and after a crash between the two writes the stack's
 * top is a version the pointer never reached. The next promote or rollback repairs that first: when
 * the pointer is the version just below the top, it appends {@code abandon <top>} (pops the move
 * that never happened); when the pointer names a version the stack does not end with (an
 * interrupted rollback, or a pointer written by hand), it appends {@code adopt <pointer>} (pushes
 * it). Either way rollback returns to the version served before the one served now.
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
  private static final String PROMOTE = "promote";
  private static final String ROLLBACK = "rollback";
  private static final String ABANDON = "abandon";
  private static final String ADOPT = "adopt";

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
      Path versions = target.getParent();
      if (!Files.isDirectory(versions)) {
        Files.createDirectories(versions);
        DurableFiles.syncDirectory(root);
      }
      Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
      try {
        ModelStore.save(model, temp);
        if (extras != null) {
          extras.write(temp);
        }
        DurableFiles.moveTreeAtomically(temp, target);
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
   * passes {@code check}, whatever is production now.
   *
   * @throws PromotionRefusedException listing every failed condition; the pointer is not moved
   */
  public void promote(String version, PromotionCheck check) throws IOException, PromotionRefusedException {
    promote(version, Optional.empty(), check);
  }

  /**
   * Makes {@code version} the production model once it loads with every integrity check and
   * passes {@code check}, provided the pointer still names {@code expectedCurrent}; the check and
   * the move happen under the registry lock, so of two promotions expecting the same current
   * version exactly one succeeds.
   *
   * @param expectedCurrent the version the caller believes is production; empty to promote over
   *     whatever is
   * @throws ProductionChangedException if the pointer names another version than
   *     {@code expectedCurrent}; nothing is changed
   * @throws PromotionRefusedException listing every failed condition; the pointer is not moved
   */
  public void promote(String version, Optional<String> expectedCurrent, PromotionCheck check)
      throws IOException, PromotionRefusedException {
    requireVersion(version);
    expectedCurrent.ifPresent(ModelRegistry::requireVersion);
    List<String> problems = locked(() -> {
      requireCurrent(PROMOTE + " of " + version, expectedCurrent);
      List<String> found = new ArrayList<>();
      try {
        ChurnModel model = load(version);
        found.addAll(check.problems(model, versionDir(version)));
      } catch (InvalidModelException e) {
        found.add(e.getMessage());
      }
      if (found.isEmpty()) {
        movePointer(version, PROMOTE);
      }
      return found;
    });
    if (!problems.isEmpty()) {
      throw new PromotionRefusedException(version, problems);
    }
  }

  /**
   * Moves the pointer back to the version that was production before the current one was
   * promoted, after checking that it still loads.
   *
   * @return the new production version
   * @throws IllegalStateException if there is no earlier version to return to
   */
  public String rollback() throws IOException {
    return rollback(Optional.empty());
  }

  /**
   * Like {@link #rollback()}, provided the pointer still names {@code expectedCurrent}, checked and
   * moved under the registry lock.
   *
   * @param expectedCurrent the version the caller believes is production; empty to roll back
   *     whatever is
   * @throws ProductionChangedException if the pointer names another version; nothing is changed
   * @throws IllegalStateException if there is no earlier version to return to
   */
  public String rollback(Optional<String> expectedCurrent) throws IOException {
    expectedCurrent.ifPresent(ModelRegistry::requireVersion);
    return locked(() -> {
      requireCurrent(ROLLBACK, expectedCurrent);
      repairHistory();
      Deque<String> stack = stack();
      if (stack.size() < 2) {
        throw new IllegalStateException("nothing to roll back to: " + HISTORY + " records "
            + (stack.isEmpty() ? "no promotion" : "only the promotion of " + stack.peek()));
      }
      stack.pop();
      String previous = stack.peek();
      load(previous);
      movePointer(previous, ROLLBACK);
      return previous;
    });
  }

  private void requireCurrent(String action, Optional<String> expectedCurrent) throws IOException {
    if (expectedCurrent.isEmpty()) {
      return;
    }
    Optional<String> actual = production();
    if (!actual.equals(expectedCurrent)) {
      throw new ProductionChangedException(action, expectedCurrent.get(), actual);
    }
  }

  /**
   * One pointer move.
   *
   * @param at when it happened
   * @param action promote or rollback, or abandon or adopt for a repair after an interrupted move
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
            && List.of(PROMOTE, ROLLBACK, ABANDON, ADOPT).contains(parts[1])) {
          entries.add(new HistoryEntry(Instant.parse(parts[0]), parts[1], parts[2]));
        }
      }
    }
    return List.copyOf(entries);
  }

  /**
   * The promotion stack replayed from the history; once {@link #repairHistory} ran, the top is the
   * current production version.
   */
  private Deque<String> stack() throws IOException {
    Deque<String> stack = new ArrayDeque<>();
    for (HistoryEntry entry : history()) {
      if (entry.action().equals(PROMOTE) || entry.action().equals(ADOPT)) {
        stack.push(entry.version());
      } else if (!stack.isEmpty()) {
        stack.pop();
      }
    }
    return stack;
  }

  /** Makes the stack's top the pointer again after an interrupted move (see the class comment). */
  private void repairHistory() throws IOException {
    Optional<String> pointer = production();
    Deque<String> stack = stack();
    String top = stack.peek();
    if (Objects.equals(top, pointer.orElse(null))) {
      return;
    }
    if (top != null) {
      stack.pop();
      if (Objects.equals(stack.peek(), pointer.orElse(null))) {
        appendHistory(ABANDON, top);
        return;
      }
    }
    if (pointer.isPresent()) {
      appendHistory(ADOPT, pointer.get());
    }
  }

  /** History first, pointer second: the order the class comment's invariant rests on. */
  private void movePointer(String version, String action) throws IOException {
    repairHistory();
    appendHistory(action, version);
    DurableFiles.writeAtomically(pointerFile(), (version + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private void appendHistory(String action, String version) throws IOException {
    DurableFiles.append(root.resolve(HISTORY),
        (Instant.now() + " " + action + " " + version + "\n").getBytes(StandardCharsets.UTF_8));
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
    if (version == null || !VERSION.matcher(version).matches()) {
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
