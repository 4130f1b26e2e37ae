package io.churnwire.trainer;

import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.MetricsJson;
import io.churnwire.training.ModelReport;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code evaluate}: shows a version's stored metrics, or scores it on other labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Shows a registered model's held-out metrics, or with --data evaluates it on another",
        "labelled CSV at its own threshold and writes metrics.json and an HTML report for that run."})
final class EvaluateCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<version>",
      description = "Version or unique prefix; default: the production model.")
  String version;

  @Option(names = "--data", paramLabel = "<csv>", description = "Labelled data to evaluate on ('synthetic' for the demo data).")
  String data;

  @Option(names = "--out", paramLabel = "<dir>",
      description = "Where the evaluation's metrics.json and report go; default: <registry>/evaluations/<version>-<data hash>.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter printer = spec.commandLine().getOut();
    ModelRegistry models = ModelRegistry.at(registry.registry);
    String resolved = version != null ? models.resolve(version) : models.production()
        .orElseThrow(() -> new IllegalStateException("no production model in " + registry.registry
            + "; name a version (see: churnwire-model list)"));
    ChurnModel model = models.load(resolved);
    if (data == null) {
      MetricsJson.Contents stored = MetricsJson.read(models, resolved);
      print(printer, resolved, stored.report().metrics());
      Path page = models.versionDir(resolved).resolve("report").resolve(ReportWriter.PAGE);
      if (Files.exists(page)) {
        printer.printf(Locale.ROOT, "report      %s%n", page);
      }
      return 0;
    }
    TrainingData evaluation = Shared.load(data, model.schema().names());
    ModelReport report = ModelTrainer.evaluate(model, evaluation, TrainingOptions.defaults().leakageAuc());
    MetricsJson.Contents contents = new MetricsJson.Contents(resolved, model.metadata().algorithm(),
        model.decisionThreshold(), evaluation.sha256(), evaluation.source(), report, model.metadata().parameters());
    Path dir = out != null ? out : registry.registry.resolve("evaluations")
        .resolve(resolved.replace(':', '-') + "-" + evaluation.sha256().substring(0, 12));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MetricsJson.FILE), MetricsJson.write(contents), StandardCharsets.UTF_8);
    ReportWriter.write(contents, "Churn model " + resolved + " evaluated on " + evaluation.source(), dir);
    print(printer, resolved, report.metrics());
    printer.printf(Locale.ROOT, "report      %s%n", dir.resolve(ReportWriter.PAGE));
    return 0;
  }

  private static void print(PrintWriter out, String version, EvaluationMetrics m) {
    out.printf(Locale.ROOT, "version     %s%n", version);
    out.printf(Locale.ROOT, "evaluated   %s%n", m.method());
    out.printf(Locale.ROOT, "metrics     ROC AUC %.4f  PR AUC %.4f  accuracy %.4f  precision %.4f  recall %.4f  F1 %.4f%n",
        m.rocAuc(), m.prAuc(), m.accuracy(), m.precision(), m.recall(), m.f1());
    out.printf(Locale.ROOT, "confusion   TP %d  FP %d  TN %d  FN %d  (%d rows)%n", m.truePositives(),
        m.falsePositives(), m.trueNegatives(), m.falseNegatives(), m.evaluationRows());
  }
}
