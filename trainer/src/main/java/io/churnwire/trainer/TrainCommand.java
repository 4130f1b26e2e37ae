package io.churnwire.trainer;

import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.Algorithm;
import io.churnwire.training.MetricsJson;
import io.churnwire.training.ModelReport;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: fits, selects and evaluates a model, then registers it with its report. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Trains a model on a CSV (IBM Telco layout) and registers it as a new version with",
        "metrics.json and an HTML report. Does not promote it."})
final class TrainCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "<csv>",
      description = "Training data: an IBM Telco CSV, or 'synthetic' for the built-in demo data.")
  String data;

  @Option(names = "--features", split = ",", paramLabel = "<name>",
      description = "Features to use (comma-separated); default: the nine seed features.")
  List<String> features;

  @Option(names = "--algorithm", paramLabel = "rf|gbt|logistic|auto",
      description = "Algorithm, a comma-separated list, or auto (all, best k-fold ROC AUC wins). "
          + "Default: the params file's churnwire.train.algorithm.")
  String algorithm;

  @Option(names = "--params", paramLabel = "<file>",
      description = "Params file; keys it omits keep the defaults of training/params/default.properties.")
  Path params;

  @Option(names = "--seed", description = "Overrides churnwire.train.seed.")
  Long seed;

  @Option(names = "--target-recall", description = "Overrides churnwire.train.target_recall.")
  Double targetRecall;

  @Option(names = "--no-report", description = "Skip the PNG charts and HTML page (metrics.json is still written).")
  boolean noReport;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Properties props = Shared.params(params);
    if (algorithm != null) {
      props.setProperty("churnwire.train.algorithm", algorithm);
    }
    if (seed != null) {
      props.setProperty("churnwire.train.seed", Long.toString(seed));
    }
    if (targetRecall != null) {
      props.setProperty("churnwire.train.target_recall", Double.toString(targetRecall));
    }
    TrainingOptions options = TrainingOptions.of(props);
    TrainingData training = Shared.load(data, features);
    out.printf(Locale.ROOT, "data        %s: %d rows, churn rate %.4f, sha256 %s%n", training.source(),
        training.size(), training.churnRate(), training.sha256());
    out.printf(Locale.ROOT, "features    %s%n", String.join(", ", training.schema().names()));
    out.printf(Locale.ROOT, "algorithms  %s, %d folds, seed %d, target recall %s%n",
        String.join(", ", options.candidates().stream().map(Algorithm::shortName).toList()),
        options.validationFolds(), options.seed(), options.targetRecall());
    out.flush();

    ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), System.console() != null);
    ModelTrainer.Result result = ModelTrainer.train(training, options, progress);
    ChurnModel model = result.model();
    ModelReport report = result.report();
    ModelRegistry modelRegistry = ModelRegistry.at(registry.registry);
    String title = "Churn model " + model.metadata().version() + " (" + model.compiled().algorithm() + ")";
    ModelRegistry.Registered registered = result.registerIn(modelRegistry, noReport ? null
        : dir -> ReportWriter.write(MetricsJson.contents(model.metadata(), report), title, dir.resolve("report")));
    progress.finish();

    print(out, model, report, registered);
    return 0;
  }

  private void print(PrintWriter out, ChurnModel model, ModelReport report, ModelRegistry.Registered registered) {
    EvaluationMetrics m = report.metrics();
    out.printf(Locale.ROOT, "version     %s%s%n", registered.version(),
        registered.created() ? "" : " (already registered: same data, params and seed; kept the first copy)");
    out.printf(Locale.ROOT, "registered  %s%n", registered.dir());
    if (report.candidates().size() > 1) {
      out.println("selection   mean ROC AUC over the folds of the training rows:");
      for (ModelReport.CandidateScore c : report.candidates()) {
        out.printf(Locale.ROOT, "              %-9s %.4f ± %.4f%s%n", c.algorithm().shortName(), c.meanRocAuc(),
            c.sdRocAuc(), c.selected() ? "  <- selected" : "");
      }
    }
    out.printf(Locale.ROOT, "algorithm   %s (%s)%n", model.compiled().algorithm(), model.metadata().algorithm());
    report.validation().ifPresent(v -> out.printf(Locale.ROOT,
        "threshold   %.4f (out-of-fold recall %.4f, precision %.4f; target recall %s)%n",
        v.threshold(), v.recall(), v.precision(), report.targetRecall()));
    out.printf(Locale.ROOT, "held-out    ROC AUC %.4f  PR AUC %.4f  accuracy %.4f  precision %.4f  recall %.4f  F1 %.4f%n",
        m.rocAuc(), m.prAuc(), m.accuracy(), m.precision(), m.recall(), m.f1());
    out.printf(Locale.ROOT, "confusion   TP %d  FP %d  TN %d  FN %d  (%d rows)%n", m.truePositives(),
        m.falsePositives(), m.trueNegatives(), m.falseNegatives(), m.evaluationRows());
    out.printf(Locale.ROOT, "importance  %s%n", String.join(", ", report.importance().stream().limit(4)
        .map(f -> String.format(Locale.ROOT, "%s %.4f", f.feature(), f.rocAucDrop())).toList()));
    if (!noReport && registered.created()) {
      out.printf(Locale.ROOT, "report      %s%n", registered.dir().resolve("report").resolve(ReportWriter.PAGE));
    }
    for (ModelReport.FeatureSignal s : report.leakage()) {
      if (s.flagged()) {
        out.printf(Locale.ROOT, "WARNING     possible label leakage: %s alone reaches ROC AUC %.4f%n",
            s.feature(), s.rocAuc());
      }
    }
    report.withoutFlagged().ifPresent(alt -> {
      out.printf(Locale.ROOT, "            without it: ROC AUC %.4f  PR AUC %.4f  recall %.4f  precision %.4f%n",
          alt.metrics().rocAuc(), alt.metrics().prAuc(), alt.metrics().recall(), alt.metrics().precision());
      out.printf(Locale.ROOT, "            to train without it: --features %s%n", String.join(",", alt.features()));
    });
    out.printf(Locale.ROOT, "next        churnwire-model promote %s --registry %s%n", registered.version(),
        registry.registry);
  }
}
