package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChurnModelTest {

  /** Small and fast: 2,000 rows, a 30-tree forest, 3 folds. */
  static final TrainingData DATA = SyntheticTelcoData.generate(2000, 5);
  static final TrainingOptions OPTIONS = TrainingOptions.defaults()
      .withAlgorithms(Algorithm.RANDOM_FOREST).withTrees(30).withFolds(3);

  static ChurnModel model;

  @BeforeAll
  static void train() {
    model = ModelTrainer.fit(DATA, OPTIONS).model();
  }

  private static double[] probabilities(ChurnModel m, TrainingData data) {
    double[] p = new double[data.size()];
    double[][] rows = data.rows();
    for (int i = 0; i < p.length; i++) {
      p[i] = m.churnProbability(rows[i]);
    }
    return p;
  }

  @Test
  void train_onSynthetic_rocAucWellAboveChance() {
    EvaluationMetrics metrics = model.metadata().metrics();

    assertTrue(metrics.rocAuc() > 0.8, "ROC AUC " + metrics.rocAuc());
    assertTrue(metrics.prAuc() > 0.5, "PR AUC " + metrics.prAuc());
    assertEquals(400, metrics.evaluationRows());
  }

  @Test
  void train_fillsMetadata() {
    ModelMetadata meta = model.metadata();

    assertTrue(meta.version().matches("sha256:[0-9a-f]{16}"), meta.version());
    assertEquals("smile.classification.RandomForest", meta.algorithm());
    assertEquals(DATA.sha256(), meta.trainingDataSha256());
    assertEquals(DATA.source(), meta.trainingDataSource());
    assertEquals(1600, meta.trainingRows());
    assertEquals(FeatureSchema.telco(), meta.schema());
    assertTrue(meta.decisionThreshold() > 0 && meta.decisionThreshold() < 1);
    assertEquals("30", meta.parameters().get("churnwire.rf.trees"));
    assertEquals("3", meta.parameters().get("churnwire.model.effective_mtry"));
    assertEquals(ModelVersion.of(model.compiled().toByteArray()), meta.version());
  }

  @Test
  void metricsAreReportedAtTheDecisionThreshold() {
    var split = StratifiedSplit.holdout(DATA.labels(), 0.2, OPTIONS.seed());
    double[][] rows = DATA.rows();
    long truePositives = 0;
    for (int i : split.test()) {
      truePositives += model.predictsChurn(rows[i]) && DATA.label(i) == 1 ? 1 : 0;
    }

    assertEquals(model.metadata().metrics().truePositives(), truePositives);
  }

  @Test
  void churnProbability_isAProbabilityAndRanksRiskyAboveSafe() {
    // internet, deps, referrals, satisfaction, tenure, long distance, revenue, contract, payment
    double[] risky = {0, 0, 0, 1, 2, 40, 200, 0, 2};
    double[] safe = {1, 2, 5, 5, 70, 900, 2500, 2, 1};

    double pRisky = model.churnProbability(risky);
    double pSafe = model.churnProbability(safe);

    assertTrue(pRisky >= 0 && pRisky <= 1 && pSafe >= 0 && pSafe <= 1);
    assertTrue(pRisky > 0.6 && pSafe < 0.2, pRisky + " vs " + pSafe);
  }

  @Test
  void churnProbability_wrongRowLength_throwsIllegalArgument() {
    var tooShort = assertThrows(IllegalArgumentException.class, () -> model.churnProbability(new double[8]));
    var tooLong = assertThrows(IllegalArgumentException.class, () -> model.churnProbability(new double[10]));

    assertTrue(tooShort.getMessage().startsWith("row has 8 values, the model expects 9"), tooShort.getMessage());
    assertTrue(tooLong.getMessage().startsWith("row has 10 values"), tooLong.getMessage());
  }

  @Test
  void churnProbability_valueOutsideDomain_throwsNamingFeature() {
    double[] row = {0, 0, 0, 3, 12, 100, 1000, 3, 0};

    var e = assertThrows(IllegalArgumentException.class, () -> model.churnProbability(row));

    assertTrue(e.getMessage().startsWith("feature contract"), e.getMessage());
  }

  @Test
  void train_sameDataOptionsAndSeed_givesSameVersionAndProbabilities() {
    ChurnModel again = ModelTrainer.fit(DATA, OPTIONS).model();

    assertEquals(model.metadata().version(), again.metadata().version());
    assertEquals(model.metadata().decisionThreshold(), again.metadata().decisionThreshold());
    assertEquals(model.metadata().metrics(), again.metadata().metrics());
    assertArrayEquals(probabilities(model, DATA), probabilities(again, DATA));
  }

  @Test
  void train_otherSeed_givesOtherVersion() {
    ChurnModel other = ModelTrainer.fit(DATA, OPTIONS.withSeed(43)).model();

    assertNotEquals(model.metadata().version(), other.metadata().version());
  }

  @Test
  void thresholdAndServedModel_doNotDependOnHeldOutRows() {
    var split = StratifiedSplit.holdout(DATA.labels(), 0.2, OPTIONS.seed());
    double[][] rows = DATA.rows();
    int tenure = DATA.schema().indexOf("tenure_in_months");
    for (int i : split.test()) {
      rows[i][tenure] = 72 - rows[i][tenure];
    }
    TrainingData perturbed = new TrainingData(DATA.schema(), rows, DATA.labels(), "perturbed", DATA.sha256());

    ChurnModel other = ModelTrainer.fit(perturbed, OPTIONS).model();

    assertEquals(model.metadata().decisionThreshold(), other.metadata().decisionThreshold());
    assertEquals(model.metadata().version(), other.metadata().version());
    assertNotEquals(model.metadata().metrics(), other.metadata().metrics());
  }

  @Test
  void refitOnAllRows_keepsHoldoutEvaluationButServesModelFittedOnEveryRow() {
    ChurnModel refitted = ModelTrainer.fit(DATA, OPTIONS.withRefitOnAllRows(true)).model();
    EvaluationMetrics kept = model.metadata().metrics();
    EvaluationMetrics refit = refitted.metadata().metrics();

    assertEquals(2000, refitted.metadata().trainingRows());
    assertTrue(refit.method().contains("refitted on all 2000 rows"), refit.method());
    assertEquals(kept.rocAuc(), refit.rocAuc());
    assertEquals(kept.truePositives(), refit.truePositives());
    assertNotEquals(model.metadata().version(), refitted.metadata().version());
  }

  @Test
  void train_onFeatureSubset_scoresRowsOfThatSubset() {
    FeatureSchema subset = DATA.schema().select(List.of("tenure_in_months", "contract", "payment_method"));

    ChurnModel small = ModelTrainer.fit(DATA.project(subset), OPTIONS).model();

    assertEquals(subset, small.schema());
    assertTrue(small.metadata().metrics().rocAuc() > 0.65);
    double p = small.churnProbability(new double[] {3, 0, 2});
    assertTrue(p >= 0 && p <= 1);
    assertThrows(IllegalArgumentException.class, () -> small.churnProbability(new double[9]));
  }

  @Test
  void train_mtryAboveFeatureCount_throws() {
    TrainingOptions tooMany = OPTIONS.withForest(new TrainingOptions.ForestParams(10, 10, 20, 0, 5));

    var e = assertThrows(IllegalArgumentException.class, () -> ModelTrainer.fit(DATA, tooMany).model());

    assertTrue(e.getMessage().contains("mtry 10"), e.getMessage());
  }
}
