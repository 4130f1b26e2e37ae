package io.churnwire.training;

import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Trains a {@link ChurnModel} and the {@link ModelReport} that justifies it. Every step is
 * deterministic for a given seed:
 * <ol>
 *   <li>Leakage check: each feature's ROC AUC on its own, over all rows; features at or above
 *       {@code leakageAuc} are flagged. They stay in the model; the report shows the difference.
 *   <li>A stratified split holds out {@code testFraction} of the rows, used only for the reported
 *       metrics, curves and importance.
 *   <li>The training rows are cut into {@code validationFolds} stratified folds. Each candidate
 *       algorithm is fitted on all folds but one and scores the one left out, giving out-of-fold
 *       probabilities for every training row; the candidate with the best mean fold ROC AUC wins.
 *   <li>The decision threshold is the highest whose recall on the winner's out-of-fold
 *       probabilities reaches {@code targetRecall} ({@link Metrics#thresholdForRecall}).
 *   <li>The winner is fitted on all training rows and evaluated on the held-out rows at that
 *       threshold; with {@code refitOnAllRows} it is then refitted on every row.
 *   <li>When features were flagged, the winner's recipe (steps 3 to 5, same algorithm) is run
 *       again without them, for the report.
 * </ol>
 * Class imbalance is handled twice: the threshold is set for recall rather than accuracy, and with
 * {@code class_balance=oversample} boosting and logistic regression are fitted on rebalanced rows.
 */
public final class ModelTrainer {

  private static final int IMPORTANCE_REPEATS = 3;

  private ModelTrainer() {}

  /** Hears about the slow steps (one model fit each) so a console can show progress. */
  @FunctionalInterface
  public interface Listener {
    /** Ignores every step. */
    Listener SILENT = (step, done, total) -> {};

    /**
     * Called before each fit.
     *
     * @param step what is about to be fitted, e.g. "gbt fold 2/5"
     * @param done fits finished so far
     * @param total fits in the whole run
     */
    void step(String step, int done, int total);
  }

  /**
   * A trained model and its report.
   *
   * @param model the compiled model to register and serve
   * @param report the evidence for it
   * @param smile the fitted Smile model it was compiled from
   */
  public record Result(ChurnModel model, ModelReport report, SmileModel smile) {

    /**
     * Registers the model in {@code registry} with its report as metrics.json.
     *
     * @param extras more files for the version directory, such as the rendered report; may be null
     */
    public ModelRegistry.Registered registerIn(ModelRegistry registry, ModelRegistry.Extras extras)
        throws java.io.IOException {
      ModelRegistry.Extras metrics = MetricsJson.extras(model.metadata(), report);
      return registry.register(model, extras == null ? metrics : dir -> {
        metrics.write(dir);
        extras.write(dir);
      });
    }
  }

  /** Runs the whole procedure, including the comparison without flagged features. */
  public static Result train(TrainingData data, TrainingOptions options, Listener listener) {
    return train(data, options, listener, true);
  }

  /**
   * Trains, selects, evaluates and compiles a model without the extra fits that only the
   * report's comparison without flagged features needs.
   *
   * @throws IllegalArgumentException if the data is too small or too one-sided to split, or the
   *     options do not fit the data (for example {@code mtry} above the feature count)
   */
  public static Result fit(TrainingData data, TrainingOptions options) {
    return train(data, options, Listener.SILENT, false);
  }

  /**
   * The rows of {@code data} that {@code options} hold out for the evaluation report, ascending.
   * Scoring exactly these rows with a model trained on {@code data} with {@code options} (and not
   * refitted on all rows) reproduces the report's held-out metrics, which is how realised
   * performance in production is put beside them.
   */
  public static int[] heldOutRows(TrainingData data, TrainingOptions options) {
    return StratifiedSplit.holdout(data.labels(), options.testFraction(), options.seed()).test();
  }

  static Result train(TrainingData data, TrainingOptions options, Listener listener, boolean compare) {
    java.util.Objects.requireNonNull(data, "data");
    java.util.Objects.requireNonNull(options, "options");
    java.util.Objects.requireNonNull(listener, "listener");
    List<ModelReport.FeatureSignal> leakage = leakage(data, options.leakageAuc());
    List<String> flagged = leakage.stream().filter(ModelReport.FeatureSignal::flagged)
        .map(ModelReport.FeatureSignal::feature).toList();
    boolean alternative = compare && !flagged.isEmpty() && flagged.size() < data.schema().size();
    int folds = options.validationFolds();
    int total = options.candidates().size() * folds + 1 + (options.refitOnAllRows() ? 1 : 0)
        + (alternative ? folds + 1 : 0);
    Progress progress = new Progress(listener, total);

    Recipe main = recipe(data, options, options.candidates(), progress);
    Optional<ModelReport.Alternative> without = Optional.empty();
    if (alternative) {
      List<String> kept = data.schema().names().stream().filter(n -> !flagged.contains(n)).toList();
      TrainingData reduced = data.project(data.schema().select(kept));
      Recipe other = recipe(reduced, options, List.of(main.algorithm), progress);
      without = Optional.of(new ModelReport.Alternative(kept, other.metrics, other.roc));
    }

    Fitted served = main.fitted;
    int[] fittedRows = main.split.train();
    if (options.refitOnAllRows()) {
      progress.step(main.algorithm.shortName() + " refit on all rows");
      int[] all = new int[data.size()];
      Arrays.setAll(all, i -> i);
      served = fit(main.algorithm, data.schema(), main.rows, main.labels, all, options, 0);
      fittedRows = all;
    }
    long trainingRows = fittedRows.length;

    CompiledModel compiled = ModelCompiler.compile(served.scorer, data.schema(), main.threshold.threshold(),
        TrainingReference.of(data.schema(), main.rows, fittedRows), main.rows);
    Map<String, String> parameters = parameters(data, options, main, served, trainingRows);
    ModelMetadata metadata = new ModelMetadata(ModelVersion.of(compiled.toByteArray()),
        main.algorithm.className(), Instant.now(), data.sha256(), data.source(), trainingRows, data.schema(),
        main.metrics, main.threshold.threshold(), parameters);
    ChurnModel model = new ChurnModel(compiled, metadata);
    ModelReport report = new ModelReport(main.metrics, main.roc,
        Metrics.precisionRecallCurve(main.testScores, main.testLabels),
        importance(model, main.rows, main.split.test(), main.labels, options.seed()),
        leakage, main.candidates, Optional.of(main.threshold), options.targetRecall(), without);
    return new Result(model, report, new SmileModel(served.scorer));
  }

  /**
   * Evaluates a trained model on other labelled data at its own threshold, for example a newer
   * month of customers.
   *
   * @param leakageAuc single-feature ROC AUC from which a feature is flagged
   * @throws IllegalArgumentException if the data's schema differs from the model's or a class is absent
   */
  public static ModelReport evaluate(ChurnModel model, TrainingData data, double leakageAuc) {
    if (!data.schema().equals(model.schema())) {
      throw new IllegalArgumentException("the data has features " + data.schema().names()
          + ", the model " + model.schema().names());
    }
    double[][] rows = data.rows();
    int[] labels = data.labels();
    double[] scores = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      scores[i] = model.churnProbability(rows[i]);
    }
    int[] all = new int[rows.length];
    Arrays.setAll(all, i -> i);
    String method = String.format(Locale.ROOT, "all %d rows of %s (sha256 %s) at the model's threshold",
        rows.length, data.source(), data.sha256().substring(0, 12));
    EvaluationMetrics metrics = Metrics.evaluate(scores, labels, model.decisionThreshold(), method);
    return new ModelReport(metrics, Metrics.rocCurve(scores, labels),
        Metrics.precisionRecallCurve(scores, labels), importance(model, rows, all, labels, 42),
        leakage(data, leakageAuc), List.of(), Optional.empty(),
        Double.parseDouble(model.metadata().parameters().getOrDefault("churnwire.train.target_recall", "NaN")),
        Optional.empty());
  }

  /**
   * Each feature's ROC AUC on its own over all rows: a numeric feature's value read in whichever
   * direction separates better, a categorical feature's level replaced by that level's churn rate.
   */
  static List<ModelReport.FeatureSignal> leakage(TrainingData data, double limit) {
    int[] labels = data.labels();
    List<ModelReport.FeatureSignal> signals = new ArrayList<>();
    for (int j = 0; j < data.schema().size(); j++) {
      FeatureSpec feature = data.schema().get(j);
      double[] values = new double[data.size()];
      if (feature.isCategorical()) {
        int levels = feature.levels().size();
        double[] churned = new double[levels];
        double[] count = new double[levels];
        for (int i = 0; i < values.length; i++) {
          int level = (int) data.value(i, j);
          churned[level] += labels[i];
          count[level]++;
        }
        for (int i = 0; i < values.length; i++) {
          int level = (int) data.value(i, j);
          values[i] = churned[level] / count[level];
        }
      } else {
        for (int i = 0; i < values.length; i++) {
          values[i] = data.value(i, j);
        }
      }
      double auc = Metrics.rocAuc(values, labels);
      auc = Math.max(auc, 1 - auc);
      signals.add(new ModelReport.FeatureSignal(feature.name(), auc, auc >= limit));
    }
    return List.copyOf(signals);
  }

  /** Counts fits for the listener. */
  private static final class Progress {
    private final Listener listener;
    private final int total;
    private int done;

    Progress(Listener listener, int total) {
      this.listener = listener;
      this.total = total;
    }

    void step(String what) {
      listener.step(what, done++, total);
    }
  }

  /** A fitted scorer and what it took to fit it. */
  private record Fitted(Scorer scorer, String classBalance, double logOddsOffset) {}

  /** The outcome of selection, threshold choice and evaluation on one feature set. */
  private record Recipe(Algorithm algorithm, double[][] rows, int[] labels, StratifiedSplit.Holdout split,
      List<ModelReport.CandidateScore> candidates, Metrics.ThresholdChoice threshold, Fitted fitted,
      double[] testScores, int[] testLabels, EvaluationMetrics metrics, Metrics.Curve roc) {}

  private static Recipe recipe(TrainingData data, TrainingOptions options, List<Algorithm> candidates,
      Progress progress) {
    FeatureSchema schema = data.schema();
    double[][] rows = data.rows();
    int[] labels = data.labels();
    StratifiedSplit.Holdout split = StratifiedSplit.holdout(labels, options.testFraction(), options.seed());
    int[] train = split.train();
    int[] trainLabels = new int[train.length];
    for (int i = 0; i < train.length; i++) {
      trainLabels[i] = labels[train[i]];
    }
    int folds = options.validationFolds();
    int[] foldOf = StratifiedSplit.folds(trainLabels, folds, options.seed());

    Map<Algorithm, double[]> outOfFold = new HashMap<>();
    Map<Algorithm, double[]> foldAuc = new LinkedHashMap<>();
    for (Algorithm algorithm : candidates) {
      double[] oof = new double[train.length];
      double[] aucs = new double[folds];
      for (int fold = 0; fold < folds; fold++) {
        progress.step(algorithm.shortName() + " fold " + (fold + 1) + "/" + folds);
        List<Integer> fitRows = new ArrayList<>();
        List<Integer> heldRows = new ArrayList<>();
        for (int i = 0; i < train.length; i++) {
          (foldOf[i] == fold ? heldRows : fitRows).add(i);
        }
        int[] fitIndex = fitRows.stream().mapToInt(i -> train[i]).toArray();
        Scorer scorer = fit(algorithm, schema, rows, labels, fitIndex, options, 1 + fold).scorer;
        double[] foldScores = new double[heldRows.size()];
        int[] foldLabels = new int[heldRows.size()];
        for (int k = 0; k < foldScores.length; k++) {
          int i = heldRows.get(k);
          oof[i] = scorer.probability(rows[train[i]]);
          foldScores[k] = oof[i];
          foldLabels[k] = trainLabels[i];
        }
        aucs[fold] = Metrics.rocAuc(foldScores, foldLabels);
      }
      outOfFold.put(algorithm, oof);
      foldAuc.put(algorithm, aucs);
    }
    Algorithm best = candidates.stream()
        .max(Comparator.comparingDouble((Algorithm a) -> mean(foldAuc.get(a)))
            .thenComparing(a -> -candidates.indexOf(a)))
        .orElseThrow();
    List<ModelReport.CandidateScore> scores = candidates.stream()
        .map(a -> new ModelReport.CandidateScore(a, foldAuc.get(a), a == best))
        .toList();
    Metrics.ThresholdChoice threshold =
        Metrics.thresholdForRecall(outOfFold.get(best), trainLabels, options.targetRecall());

    progress.step(best.shortName() + " on all " + train.length + " training rows");
    Fitted fitted = fit(best, schema, rows, labels, train, options, 0);
    int[] test = split.test();
    double[] testScores = new double[test.length];
    int[] testLabels = new int[test.length];
    for (int i = 0; i < test.length; i++) {
      testScores[i] = fitted.scorer.probability(rows[test[i]]);
      testLabels[i] = labels[test[i]];
    }
    String method = String.format(Locale.ROOT,
        "stratified holdout of %d rows (test fraction %s, seed %d); %s; threshold: highest with "
            + "recall >= %s on %d-fold out-of-fold probabilities of the %d training rows; served model %s",
        test.length, options.testFraction(), options.seed(),
        candidates.size() > 1 ? best.shortName() + " selected from " + names(candidates)
            + " by " + folds + "-fold ROC AUC" : best.shortName(),
        options.targetRecall(), folds, train.length,
        options.refitOnAllRows() ? "refitted on all " + rows.length + " rows after evaluation"
            : "is the evaluated model, fitted on the training rows only");
    EvaluationMetrics metrics = Metrics.evaluate(testScores, testLabels, threshold.threshold(), method);
    return new Recipe(best, rows, labels, split, scores, threshold, fitted, testScores, testLabels,
        metrics, Metrics.rocCurve(testScores, testLabels));
  }

  private static String names(List<Algorithm> algorithms) {
    return String.join(", ", algorithms.stream().map(Algorithm::shortName).toList());
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Fits one algorithm on the rows {@code index}; {@code stream} keeps fits of a run apart. */
  private static Fitted fit(Algorithm algorithm, FeatureSchema schema, double[][] rows, int[] labels,
      int[] index, TrainingOptions options, int stream) {
    long seed = SmileForest.treeSeeds(options.seed(), stream, 1)[0];
    if (algorithm == Algorithm.RANDOM_FOREST) {
      var forest = SmileForest.fit(schema, rows, labels, index, options.forest(), options.seed(), stream);
      return new Fitted(new SmileForest.Scorer(forest), "none", 0);
    }
    int[] fitIndex = index;
    double offset = 0;
    String balance = "none";
    if (options.classBalance() == TrainingOptions.ClassBalance.OVERSAMPLE) {
      Oversampled oversampled = oversample(index, labels, seed);
      fitIndex = oversampled.index;
      offset = oversampled.logOddsOffset;
      balance = "oversample";
    }
    Scorer scorer = switch (algorithm) {
      case GRADIENT_BOOSTING -> new SmileBoosting.Scorer(
          SmileBoosting.fit(schema, rows, labels, fitIndex, options.boosting(), offset, seed));
      case LOGISTIC_REGRESSION -> new SmileLogistic.Scorer(
          SmileLogistic.fit(schema, rows, labels, fitIndex, index, options.logistic(), offset));
      case RANDOM_FOREST -> throw new IllegalStateException("handled above");
    };
    return new Fitted(scorer, balance, offset);
  }

  private record Oversampled(int[] index, double logOddsOffset) {}

  /**
   * Repeats randomly drawn rows of the rarer class until both classes have as many rows. The
   * rarer class's odds grow by the ratio of its new to its old count, so the fitted log-odds are
   * shifted back by the logarithm of that ratio.
   */
  static Oversampled oversample(int[] index, int[] labels, long seed) {
    List<Integer> positives = new ArrayList<>();
    List<Integer> negatives = new ArrayList<>();
    for (int i : index) {
      (labels[i] == 1 ? positives : negatives).add(i);
    }
    boolean positivesRarer = positives.size() < negatives.size();
    List<Integer> rare = positivesRarer ? positives : negatives;
    int target = Math.max(positives.size(), negatives.size());
    if (rare.isEmpty() || rare.size() == target) {
      return new Oversampled(index, 0);
    }
    Random random = new Random(seed);
    int[] result = Arrays.copyOf(index, index.length + target - rare.size());
    for (int k = index.length; k < result.length; k++) {
      result[k] = rare.get(random.nextInt(rare.size()));
    }
    double ratio = target / (double) rare.size();
    return new Oversampled(result, positivesRarer ? -Math.log(ratio) : Math.log(ratio));
  }

  /** Mean drop in ROC AUC on the rows {@code index} when one feature is shuffled among them. */
  private static List<ModelReport.FeatureImportance> importance(ChurnModel model, double[][] rows,
      int[] index, int[] labels, long seed) {
    int n = index.length;
    double[][] sample = new double[n][];
    int[] y = new int[n];
    double[] base = new double[n];
    for (int i = 0; i < n; i++) {
      sample[i] = rows[index[i]].clone();
      y[i] = labels[index[i]];
      base[i] = model.churnProbability(sample[i]);
    }
    double baseAuc = Metrics.rocAuc(base, y);
    Random random = new Random(seed);
    List<ModelReport.FeatureImportance> result = new ArrayList<>();
    FeatureSchema schema = model.schema();
    double[] scores = new double[n];
    for (int j = 0; j < schema.size(); j++) {
      double drop = 0;
      for (int repeat = 0; repeat < IMPORTANCE_REPEATS; repeat++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = sample[i][j];
        }
        for (int i = n - 1; i > 0; i--) {
          int k = random.nextInt(i + 1);
          double swap = column[i];
          column[i] = column[k];
          column[k] = swap;
        }
        for (int i = 0; i < n; i++) {
          double[] row = sample[i].clone();
          row[j] = column[i];
          scores[i] = model.churnProbability(row);
        }
        drop += baseAuc - Metrics.rocAuc(scores, y);
      }
      result.add(new ModelReport.FeatureImportance(schema.get(j).name(), drop / IMPORTANCE_REPEATS));
    }
    result.sort(Comparator.comparingDouble(ModelReport.FeatureImportance::rocAucDrop).reversed());
    return List.copyOf(result);
  }

  private static Map<String, String> parameters(TrainingData data, TrainingOptions options, Recipe main,
      Fitted served, long trainingRows) {
    Map<String, String> parameters = new HashMap<>();
    String section = switch (main.algorithm) {
      case RANDOM_FOREST -> "churnwire.rf.";
      case GRADIENT_BOOSTING -> "churnwire.gbt.";
      case LOGISTIC_REGRESSION -> "churnwire.logistic.";
    };
    options.toProperties().forEach((k, v) -> {
      String key = (String) k;
      if (key.startsWith("churnwire.train.") || key.startsWith(section)) {
        parameters.put(key, (String) v);
      }
    });
    if (main.algorithm == Algorithm.RANDOM_FOREST) {
      parameters.put("churnwire.model.effective_mtry", Integer.toString(options.forest().mtry() > 0
          ? options.forest().mtry() : (int) Math.sqrt(data.schema().size())));
      parameters.put("churnwire.model.effective_max_nodes", Integer.toString(options.forest().maxNodes() > 0
          ? options.forest().maxNodes() : Math.max(2, (int) trainingRows / 5)));
    }
    parameters.put("churnwire.model.selected_algorithm", main.algorithm.shortName());
    for (ModelReport.CandidateScore candidate : main.candidates) {
      parameters.put("churnwire.model.cv_roc_auc." + candidate.algorithm().shortName(),
          Double.toString(candidate.meanRocAuc()));
    }
    parameters.put("churnwire.model.class_balance", served.classBalance);
    parameters.put("churnwire.model.log_odds_offset", Double.toString(served.logOddsOffset));
    parameters.put("churnwire.model.threshold_rule", "highest threshold with out-of-fold recall >= "
        + options.targetRecall());
    parameters.put("churnwire.model.threshold_validation_recall", Double.toString(main.threshold.recall()));
    parameters.put("churnwire.model.threshold_validation_precision", Double.toString(main.threshold.precision()));
    parameters.put("churnwire.model.threshold_validation_f1", Double.toString(main.threshold.f1()));
    parameters.put("churnwire.model.data_rows", Integer.toString(data.size()));
    parameters.put("churnwire.model.data_churn_rate", Double.toString(data.churnRate()));
    parameters.put("churnwire.model.test_rows", Integer.toString(main.split.test().length));
    return parameters;
  }
}
