package io.churnwire.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Saves and loads models as a directory, so that a model can be trained in one process and served
 * by another, and a damaged or foreign directory is refused rather than served.
 *
 * <p>Layout: {@code model.bin} is the Java-serialized Smile model (or a record wrapping one);
 * {@code metadata.json} is the pretty-printed {@link ModelMetadata} plus the full SHA-256 and size of model.bin. The model
 * version is {@code "sha256:"} followed by the first 16 hex digits of the SHA-256 of model.bin.
 * {@link #load} checks the file hash against both the recorded hash and the version, reads the
 * model through an {@link java.io.ObjectInputFilter} that admits only Smile and JDK classes,
 * primitive arrays and Churnwire's own wrapper records ({@link ModelCodec}), and checks that the
 * model's inputs match the recorded schema.
 */
public final class ModelStore {

  /** File name of the serialized model. */
  public static final String MODEL_FILE = "model.bin";

  /** File name of the metadata. */
  public static final String METADATA_FILE = "metadata.json";

  /** Largest model.bin that {@link #load} reads; a 100-tree forest on 7,000 rows is about 2 MB. */
  public static final long MAX_MODEL_BYTES = 1L << 30;

  private static final long MAX_METADATA_BYTES = 1L << 20;

  private ModelStore() {}

  /**
   * Writes {@code model} into {@code dir}, creating it if needed and replacing an existing model.
   * Each file is written to a temporary name first and then moved into place.
   */
  public static void save(ChurnModel model, Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] bytes = model.serializedModel();
    String json = MetadataJson.write(
        new MetadataJson.Contents(model.metadata(), ChurnModel.sha256Hex(bytes), bytes.length));
    writeAtomically(dir.resolve(MODEL_FILE), bytes);
    writeAtomically(dir.resolve(METADATA_FILE), json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the model in {@code dir}.
   *
   * @throws InvalidModelException if a file is missing, too large, corrupt, mismatched, contains a
   *     forbidden class, or the model does not fit the recorded schema
   * @throws IOException if the files cannot be read for another reason
   */
  public static ChurnModel load(Path dir) throws IOException {
    MetadataJson.Contents contents = MetadataJson.read(readText(dir.resolve(METADATA_FILE)));
    byte[] bytes = readBytes(dir.resolve(MODEL_FILE), MAX_MODEL_BYTES);
    if (bytes.length != contents.modelBytes()) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " has " + bytes.length
          + " bytes, metadata.json says " + contents.modelBytes() + ": the file is truncated or replaced");
    }
    String sha256 = ChurnModel.sha256Hex(bytes);
    if (!sha256.equals(contents.modelSha256())) {
      throw new InvalidModelException(MODEL_FILE + " in " + dir + " has SHA-256 " + sha256
          + ", metadata.json says " + contents.modelSha256() + ": the file is corrupt or replaced");
    }
    return ChurnModel.restore(bytes, contents.metadata());
  }

  static String readText(Path file) throws IOException {
    byte[] bytes = readBytes(file, MAX_METADATA_BYTES);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidModelException(file + " is not valid UTF-8", e);
    }
  }

  private static byte[] readBytes(Path file, long limit) throws IOException {
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

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
