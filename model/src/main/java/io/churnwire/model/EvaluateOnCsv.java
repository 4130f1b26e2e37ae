package io.churnwire.model;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command line tool that trains a model on a CSV file (or on the default synthetic data) and
 * prints its held-out metrics, training time and scoring latency; optionally saves the model.
 * This is how the figures in the project notes are measured, and how a model directory for the
 * server is produced.
 *
 * <pre>
 * EvaluateOnCsv [CSV | synthetic] [--features a,b,c] [--trees N] [--seed S] [--refit] [--save DIR]
 * </pre>
 */
public final class EvaluateOnCsv {

  private EvaluateOnCsv() {}

  /** Runs the tool; exits with status 2 on bad arguments and 1 on bad data. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    String input = "synthetic";
    List<String> features = null;
    TrainingOptions options = TrainingOptions.defaults();
    Path saveTo = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--features" -> features = Arrays.asList(args[++i].split(","));
          case "--trees" -> options = options.withTrees(Integer.parseInt(args[++i]));
          case "--seed" -> options = options.withSeed(Long.parseLong(args[++i]));
          case "--refit" -> options = options.withRefitOnAllRows(true);
          case "--save" -> saveTo = Path.of(args[++i]);
          default -> {
            if (args[i].startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + args[i]);
            }
            input = args[i];
          }
        }
      }
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: EvaluateOnCsv [CSV | synthetic] [--features a,b,c] [--trees N]"
          + " [--seed S] [--refit] [--save DIR]");
      System.exit(2);
      return;
    }

    TrainingData data;
    try {
      data = input.equals("synthetic")
          ? SyntheticTelcoData.generate()
          : TelcoCsv.read(Path.of(input), FeatureSchema.telco());
      if (features != null) {
        data = data.project(data.schema().select(features));
      }
    } catch (TelcoCsvException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }

    long start = System.nanoTime();
    ChurnModel model = ChurnModel.train(data, options);
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    ModelMetadata meta = model.metadata();
    EvaluationMetrics m = meta.metrics();

    out.printf(Locale.ROOT, "data        %s (%d rows, churn rate %.4f, sha256 %s)%n",
        data.source(), data.size(), data.churnRate(), data.sha256());
    out.printf(Locale.ROOT, "features    %s%n", data.schema().names());
    out.printf(Locale.ROOT, "options     trees=%d seed=%d testFraction=%s folds=%d refit=%s%n",
        options.trees(), options.seed(), options.testFraction(), options.validationFolds(),
        options.refitOnAllRows());
    out.printf(Locale.ROOT, "version     %s%n", meta.version());
    out.printf(Locale.ROOT, "threshold   %.4f (validation F1 %s)%n", meta.decisionThreshold(),
        meta.parameters().get("churnwire.model.threshold_validation_f1"));
    out.printf(Locale.ROOT, "ROC AUC     %.4f%n", m.rocAuc());
    out.printf(Locale.ROOT, "PR AUC      %.4f%n", m.prAuc());
    out.printf(Locale.ROOT, "accuracy    %.4f%n", m.accuracy());
    out.printf(Locale.ROOT, "precision   %.4f%n", m.precision());
    out.printf(Locale.ROOT, "recall      %.4f%n", m.recall());
    out.printf(Locale.ROOT, "F1          %.4f%n", m.f1());
    out.printf(Locale.ROOT, "confusion   TP=%d FP=%d TN=%d FN=%d of %d held-out rows%n",
        m.truePositives(), m.falsePositives(), m.trueNegatives(), m.falseNegatives(),
        m.evaluationRows());
    out.printf(Locale.ROOT, "training    %.2f s (%d forests: %d validation folds + final%s)%n",
        trainSeconds, options.validationFolds() + 1 + (options.refitOnAllRows() ? 1 : 0),
        options.validationFolds(), options.refitOnAllRows() ? " + refit" : "");
    out.printf(Locale.ROOT, "latency     %.1f us per churnProbability call (single thread)%n",
        latencyMicros(model, data));
    if (saveTo != null) {
      ModelStore.save(model, saveTo);
      out.printf(Locale.ROOT, "saved       %s%n", saveTo.toAbsolutePath());
    }
  }

  private static double latencyMicros(ChurnModel model, TrainingData data) {
    double[][] rows = data.rows();
    double sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += model.churnProbability(rows[i % rows.length]);
    }
    int calls = 50_000;
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      sink += model.churnProbability(rows[i % rows.length]);
    }
    double micros = (System.nanoTime() - start) / 1e3 / calls;
    return sink < 0 ? Double.NaN : micros;
  }
}
