package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

  static final TrainingData DATA = SyntheticTelcoData.generate(1500, 11);
  /** Small settings for every algorithm so the suite stays quick. */
  static final TrainingOptions FAST = TrainingOptions.defaults()
      .withFolds(3)
      .withTrees(20)
      .withBoosting(new TrainingOptions.BoostingParams(60, 20, 6, 5, 0.1, 0.7));

  static ModelTrainer.Result auto;

  @BeforeAll
  static void trainAuto() {
    auto = ModelTrainer.train(DATA, FAST, ModelTrainer.Listener.SILENT);
  }

  /**
   * Customers whose churn depends on an interaction no linear model can express: those with
   * internet churn when tenure is short, those without when it is long.
   */
  static TrainingData interaction(int rows, long seed) {
    FeatureSchema schema = FeatureSchema.telco().select(List.of("internet_service", "tenure_in_months",
        "total_revenue"));
    Random random = new Random(seed);
    double[][] data = new double[rows][];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      int internet = random.nextInt(2);
      int tenure = random.nextInt(72);
      boolean risky = internet == 0 ? tenure < 24 : tenure >= 48;
      labels[i] = random.nextDouble() < (risky ? 0.85 : 0.1) ? 1 : 0;
      data[i] = new double[] {internet, tenure, Math.round(random.nextDouble() * 5000)};
    }
    return new TrainingData(schema, data, labels, "interaction", "0".repeat(64));
  }

  @Test
  void heldOutRows_scoredWithTheModel_reproduceTheReportedRocAucAndCount() {
    int[] heldOut = ModelTrainer.heldOutRows(DATA, FAST);
    double[] scores = new double[heldOut.length];
    int[] labels = new int[heldOut.length];
    for (int i = 0; i < heldOut.length; i++) {
      scores[i] = auto.model().churnProbability(DATA.rows()[heldOut[i]]);
      labels[i] = DATA.label(heldOut[i]);
    }

    assertEquals(auto.report().metrics().evaluationRows(), heldOut.length);
    assertEquals(auto.report().metrics().rocAuc(), Metrics.rocAuc(scores, labels), 1e-12);
  }

  @Test
  void auto_comparesEveryAlgorithmAndKeepsTheBestFoldRocAuc() {
    List<ModelReport.CandidateScore> candidates = auto.report().candidates();

    assertEquals(3, candidates.size());
    ModelReport.CandidateScore best = candidates.stream()
        .max((a, b) -> Double.compare(a.meanRocAuc(), b.meanRocAuc())).orElseThrow();
    assertTrue(best.selected());
    assertEquals(1, candidates.stream().filter(ModelReport.CandidateScore::selected).count());
    assertEquals(best.algorithm().shortName(), auto.model().compiled().algorithm());
    assertEquals(best.algorithm().shortName(),
        auto.model().metadata().parameters().get("churnwire.model.selected_algorithm"));
  }

  @Test
  void selection_onAnInteraction_prefersTreesOverLogisticRegression() {
    TrainingOptions options = FAST.withAlgorithms(Algorithm.LOGISTIC_REGRESSION, Algorithm.GRADIENT_BOOSTING);

    ModelTrainer.Result result = ModelTrainer.train(interaction(1500, 3), options, ModelTrainer.Listener.SILENT);

    assertEquals(Algorithm.GRADIENT_BOOSTING.shortName(), result.model().compiled().algorithm());
    double logistic = result.report().candidates().get(0).meanRocAuc();
    double boosting = result.report().candidates().get(1).meanRocAuc();
    assertTrue(boosting > logistic + 0.1, "gbt " + boosting + " vs logistic " + logistic);
  }

  @Test
  void threshold_reachesTargetRecallOnValidationData() {
    Metrics.ThresholdChoice validation = auto.report().validation().orElseThrow();

    assertTrue(validation.recall() >= 0.85, "validation recall " + validation.recall());
    assertEquals(auto.model().decisionThreshold(), validation.threshold());
    assertEquals(0.85, auto.report().targetRecall());
  }

  @Test
  void threshold_higherTargetRecall_givesTheSameTreesALowerThresholdAndMoreHeldOutRecall() {
    TrainingOptions gbt = FAST.withAlgorithms(Algorithm.GRADIENT_BOOSTING);

    ChurnModel normal = ModelTrainer.train(DATA, gbt.withTargetRecall(0.7), ModelTrainer.Listener.SILENT).model();
    ChurnModel eager = ModelTrainer.train(DATA, gbt.withTargetRecall(0.95), ModelTrainer.Listener.SILENT).model();

    assertEquals(normal.compiled().message().getTreeEnsemble(), eager.compiled().message().getTreeEnsemble());
    assertNotEquals(normal.metadata().version(), eager.metadata().version(), "the threshold is part of the model");
    assertTrue(eager.decisionThreshold() < normal.decisionThreshold());
    assertTrue(eager.metadata().metrics().recall() > normal.metadata().metrics().recall());
  }

  @Test
  void sameDataParamsAndSeed_giveSameVersionForEveryAlgorithm() {
    for (Algorithm algorithm : Algorithm.values()) {
      TrainingOptions options = FAST.withAlgorithms(algorithm);

      String first = ModelTrainer.fit(DATA, options).model().metadata().version();
      String again = ModelTrainer.fit(DATA, options).model().metadata().version();
      String otherSeed = ModelTrainer.fit(DATA, options.withSeed(7)).model().metadata().version();

      assertEquals(first, again, algorithm.shortName());
      assertFalse(first.equals(otherSeed), algorithm.shortName());
    }
  }

  @Test
  void oversampling_keepsServedProbabilitiesAtTheRealChurnRate() {
    TrainingOptions gbt = FAST.withAlgorithms(Algorithm.GRADIENT_BOOSTING);
    ChurnModel balanced = ModelTrainer.fit(DATA, gbt.withClassBalance(TrainingOptions.ClassBalance.OVERSAMPLE)).model();

    double mean = 0;
    for (double[] row : DATA.rows()) {
      mean += balanced.churnProbability(row) / DATA.size();
    }

    assertEquals("oversample", balanced.metadata().parameters().get("churnwire.model.class_balance"));
    assertTrue(Double.parseDouble(balanced.metadata().parameters().get("churnwire.model.log_odds_offset")) < 0);
    assertEquals(DATA.churnRate(), mean, 0.04, "mean probability " + mean + ", churn rate " + DATA.churnRate());
  }

  @Test
  void explanations_addUpToTheModelOutputWithOneBaseValueForEveryAlgorithm() {
    double[][] rows = DATA.rows();
    for (Algorithm algorithm : Algorithm.values()) {
      ChurnModel model = ModelTrainer.fit(DATA, FAST.withAlgorithms(algorithm)).model();
      Double base = null;
      for (int i = 0; i < 50; i++) {
        Explanation e = model.explain(rows[i]);
        double sum = e.baseValue();
        for (double c : e.contributions()) {
          sum += c;
        }
        double p = model.churnProbability(rows[i]);
        double expected = e.scale() == Explanation.Scale.PROBABILITY ? p : Math.log(p / (1 - p));
        assertEquals(expected, sum, 1e-6, algorithm + " row " + i);
        assertEquals(expected, e.output(), 1e-6, algorithm + " row " + i);
        if (base == null) {
          base = e.baseValue();
        }
        assertEquals(base, e.baseValue(), 1e-6, algorithm + ": the base value is the same for every row");
      }
    }
  }

  @Test
  void explanation_ofARiskyCustomer_namesContractOrTenureAmongTopFactors() {
    ChurnModel model = ModelTrainer.fit(DATA, FAST.withAlgorithms(Algorithm.GRADIENT_BOOSTING)).model();
    double[] risky = {0, 0, 0, 2, 1, 20, 90, 0, 2};

    List<Explanation.Contribution> top = model.explain(risky).top(model.schema(), risky, 3);

    assertEquals(3, top.size());
    assertTrue(Math.abs(top.get(0).contribution()) >= Math.abs(top.get(2).contribution()));
    List<String> names = new ArrayList<>(top.stream().map(Explanation.Contribution::feature).toList());
    assertTrue(names.contains("contract") || names.contains("tenure_in_months"), names.toString());
    assertTrue(top.get(0).contribution() > 0, "the strongest factor pushes towards churn");
  }

  @Test
  void leakage_aFeatureThatGivesAwayTheLabel_isFlaggedAndCompared() {
    double[][] rows = DATA.rows();
    int[] labels = DATA.labels();
    int satisfaction = DATA.schema().indexOf("satisfaction_score");
    for (int i = 0; i < rows.length; i++) {
      rows[i][satisfaction] = labels[i] == 1 ? 1 + i % 2 : 4 + i % 2;
    }
    TrainingData leaky = new TrainingData(DATA.schema(), rows, labels, "leaky", DATA.sha256());

    ModelTrainer.Result result = ModelTrainer.train(leaky, FAST.withAlgorithms(Algorithm.RANDOM_FOREST),
        ModelTrainer.Listener.SILENT);

    assertEquals(List.of("satisfaction_score"), result.report().flaggedFeatures());
    ModelReport.Alternative without = result.report().withoutFlagged().orElseThrow();
    assertFalse(without.features().contains("satisfaction_score"));
    assertEquals(8, without.features().size());
    assertTrue(without.metrics().rocAuc() < result.report().metrics().rocAuc());
    assertEquals(FeatureSchema.telco(), result.model().schema(), "the flagged feature stays in the model");
  }

  @Test
  void leakage_onSyntheticData_flagsNothingAndSkipsTheComparison() {
    assertTrue(auto.report().flaggedFeatures().isEmpty(), auto.report().leakage().toString());
    assertTrue(auto.report().withoutFlagged().isEmpty());
    assertEquals(9, auto.report().leakage().size());
  }

  @Test
  void report_importanceCoversEveryFeatureLargestFirst() {
    List<ModelReport.FeatureImportance> importance = auto.report().importance();

    assertEquals(9, importance.size());
    for (int i = 1; i < importance.size(); i++) {
      assertTrue(importance.get(i - 1).rocAucDrop() >= importance.get(i).rocAucDrop());
    }
    assertTrue(importance.getFirst().rocAucDrop() > 0.01);
  }

  @Test
  void listener_hearsEveryFitInOrder() {
    List<String> steps = new ArrayList<>();
    List<Integer> done = new ArrayList<>();

    ModelTrainer.train(DATA, FAST.withAlgorithms(Algorithm.LOGISTIC_REGRESSION, Algorithm.RANDOM_FOREST),
        (step, finished, total) -> {
          steps.add(step + " of " + total);
          done.add(finished);
        });

    assertEquals(7, steps.size());
    assertEquals("logistic fold 1/3 of 7", steps.getFirst());
    assertTrue(steps.getLast().endsWith("training rows of 7"), steps.getLast());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, done.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void evaluate_onOtherData_usesTheModelsThresholdAndAllRows() {
    TrainingData other = SyntheticTelcoData.generate(600, 99);

    ModelReport report = ModelTrainer.evaluate(auto.model(), other, 0.95);

    assertEquals(600, report.metrics().evaluationRows());
    assertTrue(report.metrics().rocAuc() > 0.75);
    assertTrue(report.candidates().isEmpty());
  }
}
