package io.churnwire.training;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.MetadataJson;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import io.churnwire.runtime.ModelVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

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
    byte[] bytes = ModelStore.readBytes(file, ModelStore.MAX_MODEL_BYTES);
    String sha256 = ModelVersion.sha256Hex(bytes);
    if (!sha256.equals(contents.modelSha256()) || !old.version().equals(ModelVersion.of(bytes))) {
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

  /**
   * Compiles every legacy version of {@code registry} into a new version, with metrics.json (naming
   * the new version) and the report carried over; renames the versions in the production pointer
   * and the history, so rollback keeps working; and moves the old directories to {@code legacy/}.
   * Run it while nothing else writes to the registry.
   *
   * @return each compiled legacy version and the version it became, in directory order
   */
  public static Map<String, String> compileRegistry(ModelRegistry registry) throws IOException {
    Path versions = registry.root().resolve(ModelRegistry.VERSIONS);
    Map<String, String> renamed = new LinkedHashMap<>();
    List<Path> compiled = new ArrayList<>();
    if (!Files.isDirectory(versions)) {
      return renamed;
    }
    try (Stream<Path> dirs = Files.list(versions)) {
      for (Path dir : dirs.sorted().toList()) {
        if (!isLegacy(dir)) {
          continue;
        }
        ChurnModel model = compile(dir);
        registry.register(model, target -> carryOver(dir, target, model));
        renamed.put(model.metadata().parameters().get(COMPILED_FROM), model.version());
        compiled.add(dir);
      }
    }
    if (renamed.isEmpty()) {
      return renamed;
    }
    rewrite(registry.pointerFile(), renamed);
    rewrite(registry.root().resolve(ModelRegistry.HISTORY), renamed);
    Path legacy = registry.root().resolve(LEGACY_DIR);
    Files.createDirectories(legacy);
    for (Path dir : compiled) {
      Files.move(dir, legacy.resolve(dir.getFileName()));
    }
    return renamed;
  }

  /** Where {@link #compileRegistry} moves the legacy version directories. */
  public static final String LEGACY_DIR = "legacy";

  private static void carryOver(Path from, Path to, ChurnModel model) throws IOException {
    Path metrics = from.resolve(MetricsJson.FILE);
    if (Files.exists(metrics)) {
      MetricsJson.Contents old = MetricsJson.read(ModelStore.readText(metrics));
      MetricsJson.Contents renamed = new MetricsJson.Contents(model.version(), old.algorithm(),
          old.decisionThreshold(), old.dataSha256(), old.dataSource(), old.report(), model.metadata().parameters());
      ModelStore.writeAtomically(to.resolve(MetricsJson.FILE), MetricsJson.write(renamed).getBytes(StandardCharsets.UTF_8));
    }
    Path report = from.resolve("report");
    if (Files.isDirectory(report)) {
      try (Stream<Path> files = Files.walk(report)) {
        for (Path file : files.toList()) {
          Path target = to.resolve("report").resolve(report.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
    }
  }

  private static void rewrite(Path file, Map<String, String> renamed) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> entry : renamed.entrySet()) {
      text = text.replace(entry.getKey(), entry.getValue());
    }
    ModelStore.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
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
