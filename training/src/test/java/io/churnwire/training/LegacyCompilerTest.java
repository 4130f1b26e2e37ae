package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.LegacyModelException;
import io.churnwire.runtime.MetadataJson;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import io.churnwire.runtime.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smile.classification.RandomForest;

/** A registry of the Java-serialized layout becomes a registry of compiled versions. */
class LegacyCompilerTest {
  private static final TrainingData DATA = SyntheticTelcoData.generate(1_200, 11);

  @TempDir Path root;

  /** Writes a version as earlier releases did: model.bin, metadata.json of format 1, metrics.json. */
  private String writeLegacyVersion(RandomForest forest, double threshold) throws Exception {
    byte[] bytes = ModelCodec.serialize(forest);
    String version = "sha256:" + ModelVersion.sha256Hex(bytes).substring(0, 16);
    ModelMetadata metadata = new ModelMetadata(version, Algorithm.RANDOM_FOREST.className(), Instant.parse("2026-01-01T00:00:00Z"),
        DATA.sha256(), DATA.source(), DATA.size(), FeatureSchema.telco(),
        Metrics.evaluate(new double[] {0.1, 0.9}, new int[] {0, 1}, threshold, "legacy"), threshold,
        Map.of("churnwire.rf.trees", "10"));
    Path dir = root.resolve("versions").resolve(version.replace(':', '-'));
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.bin"), bytes);
    String json = MetadataJson.write(new MetadataJson.Contents(metadata, ModelVersion.sha256Hex(bytes), bytes.length))
        .replace("churnwire-model/2", "churnwire-model/1").replace("\"model.pb\"", "\"model.bin\"");
    Files.writeString(dir.resolve("metadata.json"), json);
    Files.writeString(dir.resolve(MetricsJson.FILE), MetricsJson.write(metadata, ModelTrainer.fit(DATA,
        TrainingOptions.defaults().withAlgorithms(Algorithm.LOGISTIC_REGRESSION).withFolds(3)).report()),
        StandardCharsets.UTF_8);
    return version;
  }

  private static RandomForest forest(int stream) {
    int[] all = new int[DATA.size()];
    Arrays.setAll(all, i -> i);
    return SmileForest.fit(DATA.schema(), DATA.rows(), DATA.labels(), all,
        TrainingOptions.defaults().withTrees(10).forest(), 42, stream);
  }

  @Test
  void compileRegistry_compilesEveryVersion_followsThePointerAndTheHistory_andKeepsRollbackWorking() throws Exception {
    RandomForest first = forest(1);
    RandomForest second = forest(2);
    String oldFirst = writeLegacyVersion(first, 0.4);
    String oldSecond = writeLegacyVersion(second, 0.5);
    Files.writeString(root.resolve("production"), oldSecond + "\n");
    Files.writeString(root.resolve("history.log"), "2026-01-01T00:00:00Z promote " + oldFirst + "\n"
        + "2026-01-02T00:00:00Z promote " + oldSecond + "\n");
    ModelRegistry registry = ModelRegistry.at(root);
    assertThrows(LegacyModelException.class, () -> registry.load(oldSecond));

    Map<String, String> renamed = LegacyCompiler.compileRegistry(registry);

    assertEquals(2, renamed.size());
    String newSecond = renamed.get(oldSecond);
    assertEquals(Optional.of(newSecond), registry.production());
    ChurnModel served = registry.load(newSecond);
    SmileForest.Scorer smile = new SmileForest.Scorer(second);
    for (double[] row : DATA.rows()) {
      assertEquals(smile.probability(row), served.churnProbability(row), 1e-12);
    }
    assertEquals(oldSecond, served.metadata().parameters().get(LegacyCompiler.COMPILED_FROM));
    assertEquals(newSecond, MetricsJson.read(registry, newSecond).version());
    assertFalse(Files.exists(root.resolve("versions").resolve(oldSecond.replace(':', '-'))));
    assertTrue(Files.exists(root.resolve("legacy").resolve(oldSecond.replace(':', '-')).resolve("model.bin")));
    assertEquals(renamed.get(oldFirst), registry.rollback());
    assertTrue(LegacyCompiler.compileRegistry(registry).isEmpty(), "a second run finds nothing to compile");
  }

  @Test
  void compile_modelBinThatDoesNotMatchItsMetadata_isRefused() throws Exception {
    String version = writeLegacyVersion(forest(3), 0.4);
    Path bin = root.resolve("versions").resolve(version.replace(':', '-')).resolve(ModelStore.LEGACY_MODEL_FILE);
    byte[] bytes = Files.readAllBytes(bin);
    bytes[bytes.length / 2] ^= 1;
    Files.write(bin, bytes);

    var e = assertThrows(io.churnwire.runtime.InvalidModelException.class,
        () -> LegacyCompiler.compile(bin.getParent()));

    assertTrue(e.getMessage().contains("corrupt or replaced"), e.getMessage());
  }
}
