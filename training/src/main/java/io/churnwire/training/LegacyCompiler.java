package io.churnwire.training;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.MetadataJson;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelStore;
import io.churnwire.runtime.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Compiles a registry version of the earlier layout, whose model.bin is a Java-serialized Smile
 * model, into a compiled model. The old file is read once, here in the trainer, through
 * {@link ModelCodec}'s allow-list filter; the result is checked against Smile on random valid
 * rows and gets a new version (the hash of its model.pb) that records the one it came from.
 */
public final class LegacyCompiler {

  /** Metadata parameter naming the legacy version a compiled one was made from. */
  public static final String COMPILED_FROM = "churnwire.model.compiled_from";

  private static final int CHECK_ROWS = 2_000;

  private LegacyCompiler() {}

  /** Whether {@code dir} holds a version in the Java-serialized layout. */
  public static boolean isLegacy(Path dir) {
    return Files.exists(dir.resolve(ModelStore.LEGACY_MODEL_FILE)) && !Files.exists(dir.resolve(ModelStore.MODEL_FILE));
  }

  /**
   * The compiled form of the legacy version in {@code dir}.
   *
   * @throws InvalidModelException if the files are corrupt, mismatched or hold a forbidden class
   */
  public static ChurnModel compile(Path dir) throws IOException {
    MetadataJson.Contents contents = MetadataJson.readLegacy(ModelStore.readText(dir.resolve(ModelStore.METADATA_FILE)));
    ModelMetadata old = contents.metadata();
    Path file = dir.resolve(ModelStore.LEGACY_MODEL_FILE);
    if (Files.size(file) > ModelStore.MAX_MODEL_BYTES) {
      throw new InvalidModelException(file + " is larger than " + ModelStore.MAX_MODEL_BYTES + " bytes");
    }
    byte[] bytes = Files.readAllBytes(file);
    String sha256 = ModelVersion.sha256Hex(bytes);
    if (!sha256.equals(contents.modelSha256()) || !old.version().equals("sha256:" + sha256.substring(0, 16))) {
      throw new InvalidModelException(file + " does not match its metadata.json: the file is corrupt or replaced");
    }
    Algorithm algorithm;
    try {
      algorithm = Algorithm.fromClassName(old.algorithm());
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("metadata.json of " + dir + ": " + e.getMessage(), e);
    }
    Scorer scorer = ModelCodec.restore(algorithm, bytes, old.schema());
    CompiledModel compiled = ModelCompiler.compile(scorer, old.schema(), old.decisionThreshold(), List.of(),
        randomRows(old.schema(), new Random(42)));
    Map<String, String> parameters = new HashMap<>(old.parameters());
    parameters.put(COMPILED_FROM, old.version());
    ModelMetadata metadata = new ModelMetadata(ModelVersion.of(compiled.toByteArray()), old.algorithm(),
        old.trainedAt(), old.trainingDataSha256(), old.trainingDataSource(), old.trainingRows(), old.schema(),
        old.metrics(), old.decisionThreshold(), parameters);
    return new ChurnModel(compiled, metadata);
  }

  private static double[][] randomRows(FeatureSchema schema, Random random) {
    double[][] rows = new double[CHECK_ROWS][schema.size()];
    for (double[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        FeatureSpec feature = schema.get(j);
        row[j] = switch (feature.type()) {
          case CATEGORICAL -> random.nextInt(feature.levels().size());
          case INTEGER -> Math.min(feature.max(), feature.min() + random.nextInt(100));
          case REAL -> Math.min(feature.max(), feature.min() + random.nextDouble() * 10_000);
        };
      }
    }
    return rows;
  }
}
