package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The compiled model computes what Smile computes: for every algorithm with the default
 * hyper-parameters, on every row of the synthetic data set and of the real IBM Telco data when
 * it is present beside the checkout ({@code ../shared/data/telco_customer_churn.csv}, or the file
 * named by {@code -Dchurnwire.telco.csv}), the probabilities agree within 1e-12, the SHAP
 * contributions within 1e-9, base + contributions is the output, decisions at the threshold are
 * the same, and the block path returns exactly the single-row probabilities.
 *
 * <p>Smile's own TreeSHAP on the deep trees of the random forest takes about 3 ms a row, so by
 * default the forest's explanations are compared on every fourth row;
 * {@code -Dchurnwire.equivalence.allShapRows=true} compares them on every row.
 */
class CompiledModelEquivalenceTest {

  private static final double PROBABILITY_TOLERANCE = 1e-12;
  private static final double SHAP_TOLERANCE = 1e-9;

  @TestFactory
  Stream<DynamicTest> compiledModelsEqualSmileOnTheSyntheticData() {
    return tests(SyntheticTelcoData.generate(SyntheticTelcoData.DEFAULT_ROWS, SyntheticTelcoData.DEFAULT_SEED));
  }

  @TestFactory
  Stream<DynamicTest> compiledModelsEqualSmileOnTheRealData() throws IOException {
    Path csv = realData();
    Assumptions.assumeTrue(csv != null, "the IBM Telco CSV is not beside the checkout");
    return tests(TelcoCsv.read(csv, FeatureSchema.telco()));
  }

  private static Path realData() {
    String configured = System.getProperty("churnwire.telco.csv");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/telco_customer_churn.csv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static Stream<DynamicTest> tests(TrainingData data) {
    return Stream.of(Algorithm.values()).map(algorithm -> DynamicTest.dynamicTest(
        algorithm.shortName() + " on " + data.size() + " rows of " + data.source(),
        () -> assertEquivalent(data, algorithm)));
  }

  private static void assertEquivalent(TrainingData data, Algorithm algorithm) {
    ModelTrainer.Result result = ModelTrainer.fit(data, TrainingOptions.defaults().withAlgorithms(algorithm));
    ChurnModel model = result.model();
    CompiledModel compiled = model.compiled();
    SmileModel smile = result.smile();
    double[][] rows = data.rows();
    double threshold = model.decisionThreshold();
    assertEquals(model.metadata().decisionThreshold(), threshold);

    double[] single = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      single[i] = compiled.probability(rows[i]);
      double expected = smile.probability(rows[i]);
      assertEquals(expected, single[i], PROBABILITY_TOLERANCE, "probability of row " + i);
      assertEquals(expected >= threshold, single[i] >= threshold, "decision for row " + i);
    }

    int p = data.schema().size();
    double[] flat = new double[rows.length * p];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * p, p);
    }
    double[] block = new double[rows.length];
    compiled.probabilities(flat, rows.length, block);
    assertArrayEquals(single, block, "the block path gives the single-row probabilities exactly");

    int step = algorithm == Algorithm.RANDOM_FOREST && !Boolean.getBoolean("churnwire.equivalence.allShapRows") ? 4 : 1;
    List<String> failures = IntStream.range(0, rows.length).filter(i -> i % step == 0).parallel()
        .mapToObj(i -> shapMismatch(i, rows[i], compiled.explain(rows[i]), smile.explain(rows[i])))
        .filter(failure -> failure != null)
        .limit(5)
        .toList();
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static String shapMismatch(int i, double[] row, Explanation actual, Explanation expected) {
    List<String> problems = new ArrayList<>();
    if (actual.scale() != expected.scale()) {
      problems.add("scale " + actual.scale() + " vs " + expected.scale());
    }
    double[] a = actual.contributions();
    double[] e = expected.contributions();
    double sum = actual.baseValue();
    for (int j = 0; j < a.length; j++) {
      sum += a[j];
      if (!(Math.abs(a[j] - e[j]) <= SHAP_TOLERANCE)) {
        problems.add("contribution " + j + ": " + a[j] + " vs Smile's " + e[j]);
      }
    }
    if (!(Math.abs(actual.baseValue() - expected.baseValue()) <= SHAP_TOLERANCE)) {
      problems.add("base " + actual.baseValue() + " vs Smile's " + expected.baseValue());
    }
    if (!(Math.abs(sum - actual.output()) <= SHAP_TOLERANCE)) {
      problems.add("base + contributions = " + sum + ", output " + actual.output());
    }
    return problems.isEmpty() ? null : "row " + i + " " + java.util.Arrays.toString(row) + ": " + problems;
  }
}
