package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.PromotionRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  static final TrainingData DATA = SyntheticTelcoData.generate(1200, 21);
  static final TrainingOptions RF = TrainingOptions.defaults()
      .withAlgorithms(Algorithm.RANDOM_FOREST).withTrees(15).withFolds(3);

  /** Floors every small test model passes, for tests about pointer moves rather than the check. */
  static final DeployCheck LENIENT = new DeployCheck(0.5, 0.1, 0.1, 0.1);

  static ModelTrainer.Result first;
  static ModelTrainer.Result second;
  static ModelTrainer.Result third;

  @TempDir Path root;

  @BeforeAll
  static void train() {
    first = ModelTrainer.train(DATA, RF, ModelTrainer.Listener.SILENT);
    second = ModelTrainer.train(DATA, RF.withSeed(2), ModelTrainer.Listener.SILENT);
    third = ModelTrainer.train(DATA, RF.withSeed(3), ModelTrainer.Listener.SILENT);
  }

  private ModelRegistry registryWith(ModelTrainer.Result... results) throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    for (ModelTrainer.Result result : results) {
      registry.register(result.model(), MetricsJson.extras(result.model().metadata(), result.report()));
    }
    return registry;
  }

  private static String version(ModelTrainer.Result result) {
    return result.model().metadata().version();
  }

  @Test
  void register_writesAContentAddressedDirectoryWithModelMetadataAndMetrics() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);

    ModelRegistry.Registered registered = registry.register(first.model(), MetricsJson.extras(first.model().metadata(), first.report()));

    String hex = version(first).substring("sha256:".length());
    assertEquals(root.resolve("versions").resolve("sha256-" + hex), registered.dir());
    assertTrue(registered.created());
    assertTrue(Files.exists(registered.dir().resolve("model.pb")));
    assertTrue(Files.exists(registered.dir().resolve("metadata.json")));
    assertEquals(version(first), MetricsJson.read(registry, version(first)).version());
    assertEquals(first.model().metadata(), registry.load(version(first)).metadata());
  }

  @Test
  void register_sameModelAgain_leavesTheFirstCopyUntouched() throws Exception {
    ModelRegistry registry = registryWith(first);
    Path metadata = registry.versionDir(version(first)).resolve("metadata.json");
    String before = Files.readString(metadata);

    ModelRegistry.Registered again = registry.register(first.model(), dir -> Files.writeString(dir.resolve("x"), "x"));

    assertFalse(again.created());
    assertEquals(before, Files.readString(metadata));
    assertFalse(Files.exists(again.dir().resolve("x")));
    try (var entries = Files.list(root.resolve("versions"))) {
      assertEquals(1, entries.count(), "no temporary directories left behind");
    }
  }

  @Test
  void metricsJson_roundTripsTheReport() throws Exception {
    ModelReport report = first.report();

    MetricsJson.Contents back = MetricsJson.read(MetricsJson.write(first.model().metadata(), report));

    assertEquals(report.metrics(), back.report().metrics());
    assertEquals(report.importance(), back.report().importance());
    assertEquals(report.leakage(), back.report().leakage());
    assertEquals(report.validation(), back.report().validation());
    assertEquals(report.candidates().getFirst().meanRocAuc(), back.report().candidates().getFirst().meanRocAuc());
    assertEquals(first.model().metadata().trainingDataSha256(), back.dataSha256());
    assertEquals("15", back.params().get("churnwire.rf.trees"));
  }

  @Test
  void promote_passingModel_movesThePointerAndLogsIt() throws Exception {
    ModelRegistry registry = registryWith(first);

    registry.promote(version(first), DeployCheck.defaults());

    assertEquals(Optional.of(version(first)), registry.production());
    assertEquals(version(first) + "\n", Files.readString(root.resolve("production")));
    assertEquals("promote", registry.history().getFirst().action());
  }

  @Test
  void promote_metricsBelowTheFloor_isRefusedAndThePointerStays() throws Exception {
    ModelRegistry registry = registryWith(first, second);
    registry.promote(version(first), DeployCheck.defaults());
    DeployCheck strict = new DeployCheck(0.999, 0.5, 0.7, 0.3);

    var e = assertThrows(PromotionRefusedException.class, () -> registry.promote(version(second), strict));

    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().getFirst().startsWith("ROC AUC 0."), e.problems().toString());
    assertTrue(e.problems().getFirst().endsWith("is below the floor 0.9990"), e.problems().toString());
    assertEquals(Optional.of(version(first)), registry.production());
  }

  @Test
  void promote_withoutMetricsJson_isRefusedForIncompleteMetadata() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    registry.register(first.model(), null);

    var e = assertThrows(PromotionRefusedException.class, () -> registry.promote(version(first), DeployCheck.defaults()));

    assertEquals(List.of("metrics.json is missing: the model has no evaluation report"), e.problems());
    assertEquals(Optional.empty(), registry.production());
  }

  @Test
  void promote_corruptModelBin_isRefused() throws Exception {
    ModelRegistry registry = registryWith(first);
    Path bin = registry.versionDir(version(first)).resolve("model.pb");
    byte[] bytes = Files.readAllBytes(bin);
    bytes[bytes.length / 2] ^= 1;
    Files.write(bin, bytes);

    var e = assertThrows(PromotionRefusedException.class, () -> registry.promote(version(first), DeployCheck.defaults()));

    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void rollback_movesThePointerBackOnePromotionAtATime() throws Exception {
    ModelRegistry registry = registryWith(first, second, third);
    registry.promote(version(first), LENIENT);
    registry.promote(version(second), LENIENT);
    registry.promote(version(third), LENIENT);

    String back = registry.rollback();
    String backAgain = registry.rollback();

    assertEquals(version(second), back);
    assertEquals(version(first), backAgain);
    assertEquals(Optional.of(version(first)), registry.production());
    var e = assertThrows(IllegalStateException.class, registry::rollback);
    assertTrue(e.getMessage().startsWith("nothing to roll back to"), e.getMessage());
  }

  @Test
  void rollback_thenPromote_rollsBackToTheVersionBeforeTheNewPromotion() throws Exception {
    ModelRegistry registry = registryWith(first, second, third);
    registry.promote(version(first), LENIENT);
    registry.promote(version(second), LENIENT);
    registry.rollback();
    registry.promote(version(third), LENIENT);

    assertEquals(version(first), registry.rollback());
  }

  @Test
  void resolve_acceptsAPrefixAndRejectsUnknownOnes() throws Exception {
    ModelRegistry registry = registryWith(first);
    String hex = version(first).substring("sha256:".length());

    assertEquals(version(first), registry.resolve(hex.substring(0, 6)));
    assertEquals(version(first), registry.resolve("sha256-" + hex));
    assertThrows(IllegalArgumentException.class, () -> registry.resolve("ffff" + "ffff".repeat(3)));
    assertThrows(IllegalArgumentException.class, () -> registry.resolve("ab"));
  }

  @Test
  void production_pointerWithGarbage_isAnInvalidModel() throws Exception {
    Files.createDirectories(root);
    Files.writeString(root.resolve("production"), "../../etc/passwd");

    var e = assertThrows(InvalidModelException.class, () -> ModelRegistry.at(root).production());

    assertTrue(e.getMessage().contains("expected a version"), e.getMessage());
  }

  @Test
  void list_ordersVersionsByTrainingTime() throws Exception {
    ModelRegistry registry = registryWith(second, first);

    List<ModelRegistry.Entry> entries = registry.list();

    assertEquals(List.of(version(first), version(second)), entries.stream().map(ModelRegistry.Entry::version).toList());
  }
}
