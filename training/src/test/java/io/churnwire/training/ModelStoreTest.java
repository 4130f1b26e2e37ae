package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.MetadataJson;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelStore;
import io.churnwire.runtime.ModelVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  static final TrainingData DATA = SyntheticTelcoData.generate(1500, 9);
  static ChurnModel model;

  @TempDir Path dir;

  @BeforeAll
  static void train() {
    model = ModelTrainer.fit(DATA, TrainingOptions.defaults()
        .withAlgorithms(Algorithm.RANDOM_FOREST).withTrees(20).withFolds(3)).model();
  }

  /** A serializable class; deserializing it would flip {@link #deserialized}. */
  static final class ForbiddenPayload implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    static volatile boolean deserialized;

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialized = true;
    }
  }

  /** Replaces model.pb by {@code bytes} and rewrites metadata.json so hash and version agree. */
  private void replaceModelPbConsistently(byte[] bytes) throws Exception {
    var contents = MetadataJson.read(Files.readString(dir.resolve(ModelStore.METADATA_FILE)));
    ModelMetadata m = contents.metadata();
    ModelMetadata forged = new ModelMetadata(ModelVersion.of(bytes), m.algorithm(), m.trainedAt(),
        m.trainingDataSha256(), m.trainingDataSource(), m.trainingRows(), m.schema(), m.metrics(),
        m.decisionThreshold(), m.parameters());
    Files.write(dir.resolve(ModelStore.MODEL_FILE), bytes);
    Files.writeString(dir.resolve(ModelStore.METADATA_FILE), MetadataJson.write(
        new MetadataJson.Contents(forged, ModelVersion.sha256Hex(bytes), bytes.length)));
  }

  @Test
  void saveThenLoad_givesIdenticalProbabilitiesAndMetadata() throws Exception {
    ModelStore.save(model, dir);

    ChurnModel loaded = ModelStore.load(dir);

    assertEquals(model.metadata(), loaded.metadata());
    double[][] rows = DATA.rows();
    double[] before = new double[rows.length];
    double[] after = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      before[i] = model.churnProbability(rows[i]);
      after[i] = loaded.churnProbability(rows[i]);
    }
    assertArrayEquals(before, after);
  }

  @Test
  void loadedModel_concurrentCallers_getTheSameProbabilitiesAsOneCaller() throws Exception {
    ModelStore.save(model, dir);
    ChurnModel loaded = ModelStore.load(dir);
    double[][] rows = DATA.rows();
    double[] expected = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      expected[i] = model.churnProbability(rows[i]);
    }
    var start = new CountDownLatch(1);
    List<Future<double[]>> results = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          start.await();
          double[] p = new double[rows.length];
          for (int i = 0; i < rows.length; i++) {
            p[i] = loaded.churnProbability(rows[i]);
          }
          return p;
        }));
      }
      start.countDown();
      for (Future<double[]> result : results) {
        assertArrayEquals(expected, result.get());
      }
    }
  }

  @Test
  void save_writesModelPbWhoseHashIsTheVersionAndReadableMetadata() throws Exception {
    ModelStore.save(model, dir);

    byte[] bin = Files.readAllBytes(dir.resolve("model.pb"));
    String json = Files.readString(dir.resolve("metadata.json"));

    assertEquals(model.metadata().version(), ModelVersion.of(bin));
    assertTrue(json.contains("\n  \"version\" : \"" + model.metadata().version() + "\""), json);
    assertTrue(json.contains("\"roc_auc\""), json);
    assertTrue(json.contains("\"Month-to-Month\""), json);
  }

  @Test
  void save_overExistingModel_replacesIt() throws Exception {
    ModelStore.save(model, dir);
    ChurnModel other = ModelTrainer.fit(DATA, TrainingOptions.defaults()
        .withAlgorithms(Algorithm.RANDOM_FOREST).withTrees(5).withFolds(3)).model();

    ModelStore.save(other, dir);

    assertEquals(other.metadata(), ModelStore.load(dir).metadata());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary files left behind");
    }
  }

  @Test
  void load_flippedByteInModelPb_throwsInvalidModelException() throws Exception {
    ModelStore.save(model, dir);
    Path bin = dir.resolve("model.pb");
    byte[] bytes = Files.readAllBytes(bin);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(bin, bytes);

    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir));

    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void load_truncatedModelBin_throwsInvalidModelException() throws Exception {
    ModelStore.save(model, dir);
    Path bin = dir.resolve("model.pb");
    byte[] bytes = Files.readAllBytes(bin);
    Files.write(bin, Arrays.copyOf(bytes, bytes.length - 100));

    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir));

    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void load_javaObjectStreamAsModel_isRefusedWithoutInstantiatingAnything() throws Exception {
    ModelStore.save(model, dir);
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ForbiddenPayload());
    }
    replaceModelPbConsistently(bytes.toByteArray());

    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir));

    assertTrue(e.getMessage().contains("not a churnwire.model.v1.CompiledModel"), e.getMessage());
    assertFalse(ForbiddenPayload.deserialized);
  }

  @Test
  void load_schemaInMetadataDoesNotMatchCompiledModel_throwsInvalidModelException() throws Exception {
    ModelStore.save(model, dir);
    Path json = dir.resolve("metadata.json");
    Files.writeString(json, Files.readString(json).replace("\"Two Year\"", "\"Three Year\""));

    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir));

    assertTrue(e.getMessage().contains("contract"), e.getMessage());
  }

  @Test
  void load_malformedMetadata_throwsInvalidModelExceptionNamingField() throws Exception {
    ModelStore.save(model, dir);
    Path json = dir.resolve("metadata.json");
    Files.writeString(json, Files.readString(json).replace("\"roc_auc\"", "\"roc_auc_typo\""));

    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir));

    assertEquals("metadata.json: field 'roc_auc' is missing or not a number", e.getMessage());
  }

  @Test
  void load_missingDirectory_throwsInvalidModelException() {
    var e = assertThrows(InvalidModelException.class, () -> ModelStore.load(dir.resolve("absent")));

    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
