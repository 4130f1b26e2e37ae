package io.churnwire.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Saves and loads one model as a directory, so that a model can be trained in one process and
 * served by another, and a damaged or foreign directory is refused rather than served.
 *
 * <p>Layout: {@code model.pb} is the compiled model ({@link CompiledModel}); {@code metadata.json}
 * is the pretty-printed {@link ModelMetadata} plus the full SHA-256 and size of model.pb. The
 * version is {@link ModelVersion#of} model.pb. {@link #load} checks the file against the recorded
 * size, hash and version, validates the compiled model structurally and checks that it matches
 * the recorded schema and threshold. Nothing but these two documents is read.
 */
public final class ModelStore {

  /** File name of the compiled model. */
  public static final String MODEL_FILE = "model.pb";

  /** File name of the metadata. */
  public static final String METADATA_FILE = "metadata.json";

  /** File name of the Java-serialized models of earlier versions, never read by the runtime. */
  public static final String LEGACY_MODEL_FILE = "model.bin";

  /** Largest model.pb that {@link #load} reads. */
  public static final long MAX_MODEL_BYTES = 1L << 30;

  private static final long MAX_METADATA_BYTES = 1L << 20;

  private ModelStore() {}

  /**
   * Writes {@code model} into {@code dir}, creating it if needed and replacing an existing model.
   * Each file is written to a temporary name first, forced to disk and then moved into place.
   */
  public static void save(ChurnModel model, Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] bytes = model.compiled().toByteArray();
    String json = MetadataJson.write(
        new MetadataJson.Contents(model.metadata(), ModelVersion.sha256Hex(bytes), bytes.length));
    writeAtomically(dir.resolve(MODEL_FILE), bytes);
    writeAtomically(dir.resolve(METADATA_FILE), json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the model in {@code dir}.
   *
   * @throws LegacyModelException if the directory holds a Java-serialized model of an earlier
   *     version
   * @throws InvalidModelException if a file is missing, too large, corrupt or mismatched, or the
   *     compiled model fails validation
   * @throws IOException if the files cannot be read for another reason
   */
  public static ChurnModel load(Path dir) throws IOException {
    MetadataJson.Contents contents = MetadataJson.read(readText(dir.resolve(METADATA_FILE)));
    byte[] bytes = readBytes(dir.resolve(MODEL_FILE), MAX_MODEL_BYTES);
    if (bytes.length != contents.modelBytes()) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " has " + bytes.length
          + " bytes, metadata.json says " + contents.modelBytes() + ": the file is truncated or replaced");
    }
    String sha256 = ModelVersion.sha256Hex(bytes);
    if (!sha256.equals(contents.modelSha256())) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " has SHA-256 " + sha256
          + ", metadata.json says " + contents.modelSha256() + ": the file is corrupt or replaced");
    }
    String version = ModelVersion.of(bytes);
    if (!version.equals(contents.metadata().version())) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " has version " + version
          + " but metadata.json says " + contents.metadata().version() + ": the files are mismatched");
    }
    CompiledModel compiled;
    try {
      compiled = CompiledModel.parse(bytes);
    } catch (InvalidModelException e) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + ": " + e.getMessage(), e);
    }
    try {
      return new ChurnModel(compiled, contents.metadata());
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " does not match metadata.json: "
          + e.getMessage(), e);
    }
  }

  /** Reads a small UTF-8 file that belongs to a model. */
  public static String readText(Path file) throws IOException {
    byte[] bytes = readBytes(file, MAX_METADATA_BYTES);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidModelException(file + " is not valid UTF-8", e);
    }
  }

  /**
   * Reads a model file of at most {@code limit} bytes.
   *
   * @throws InvalidModelException if it is missing or larger
   */
  public static byte[] readBytes(Path file, long limit) throws IOException {
    try {
      long size = Files.size(file);
      if (size > limit) {
        throw new InvalidModelException(file + " has " + size + " bytes, more than the limit " + limit);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidModelException("model file " + file + " does not exist", e);
    }
  }

  /**
   * Writes {@code bytes} to a temporary sibling of {@code target}, then renames it into place,
   * forcing the file and its directory (see {@link DurableFiles#writeAtomically}).
   */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    DurableFiles.writeAtomically(target, bytes);
  }
}
