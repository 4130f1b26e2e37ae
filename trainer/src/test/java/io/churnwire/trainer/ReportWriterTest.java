package io.churnwire.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.training.Algorithm;
import io.churnwire.training.MetricsJson;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  static final TrainingOptions RF = TrainingOptions.defaults().withAlgorithms(Algorithm.RANDOM_FOREST)
      .withTrees(15).withFolds(3);

  @TempDir Path dir;

  @Test
  void write_leakyData_warnsAndComparesWithAndWithoutTheFlaggedFeature() throws Exception {
    TrainingData data = SyntheticTelcoData.generate(900, 8);
    double[][] rows = data.rows();
    int[] labels = data.labels();
    int satisfaction = data.schema().indexOf("satisfaction_score");
    for (int i = 0; i < rows.length; i++) {
      rows[i][satisfaction] = labels[i] == 1 ? 1 : 5;
    }
    TrainingData leaky = new TrainingData(data.schema(), rows, labels, "leaky.csv", data.sha256());
    ModelTrainer.Result result = ModelTrainer.train(leaky, RF, ModelTrainer.Listener.SILENT);

    List<Path> files = ReportWriter.write(MetricsJson.contents(result.model().metadata(), result.report()),
        "<leaky> & test", dir);

    String page = Files.readString(files.getFirst());
    assertTrue(page.contains("Possible label leakage"), page);
    assertTrue(page.contains("<th>without satisfaction_score</th>"), page);
    assertTrue(page.contains("&lt;leaky&gt; &amp; test"), "the title is escaped");
    assertFalse(page.contains("<leaky>"));
    assertEquals(5, files.size());
    for (Path file : files.subList(1, 5)) {
      byte[] bytes = Files.readAllBytes(file);
      assertEquals((byte) 0x89, bytes[0]);
      assertEquals('P', bytes[1]);
      assertTrue(page.contains("src=\"" + file.getFileName() + "\""), "relative reference to " + file.getFileName());
    }
  }

  @Test
  void write_cleanData_hasNoLeakageWarning() throws Exception {
    ModelTrainer.Result result = ModelTrainer.train(SyntheticTelcoData.generate(900, 8), RF,
        ModelTrainer.Listener.SILENT);

    ReportWriter.write(MetricsJson.contents(result.model().metadata(), result.report()), "clean", dir);

    assertFalse(Files.readString(dir.resolve(ReportWriter.PAGE)).contains("Possible label leakage"));
  }
}
