package io.churnwire.trainer;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.Algorithm;
import io.churnwire.training.DeployCheck;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.TrainingOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code init}: gives an empty registry a production model in one step (train with gradient
 * boosting, register with metrics.json, pass the deploy check, promote), so that a server can
 * start on it. A registry that already has a production model is left alone.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Trains, registers and promotes a first model when the registry has no production",
        "model: the demo model on synthetic data (--demo), or a model on an IBM Telco CSV (--data)."})
final class InitCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--demo", required = true,
        description = "The demo model: gradient boosting on the built-in synthetic data (7,043 customers, seed 42).")
    boolean demo;

    @Option(names = "--data", required = true, paramLabel = "<csv>", description = "An IBM Telco CSV to train on.")
    String data;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelRegistry modelRegistry = ModelRegistry.at(registry.registry);
    Optional<String> production = modelRegistry.production();
    if (production.isPresent()) {
      out.printf(Locale.ROOT, "registry %s already serves %s; nothing to do%n", registry.registry, production.get());
      return 0;
    }
    TrainingData data = source.demo
        ? SyntheticTelcoData.generate(SyntheticTelcoData.DEFAULT_ROWS, SyntheticTelcoData.DEFAULT_SEED)
        : Shared.load(source.data, List.of());
    out.printf(Locale.ROOT, "training %s on %s (%d rows)%n", Algorithm.GRADIENT_BOOSTING.shortName(),
        data.source(), data.size());
    out.flush();
    ModelTrainer.Result result = ModelTrainer.fit(data,
        TrainingOptions.defaults().withAlgorithms(Algorithm.GRADIENT_BOOSTING));
    String version = result.registerIn(modelRegistry, null).version();
    modelRegistry.promote(version, DeployCheck.defaults());
    out.printf(Locale.ROOT, "registered and promoted %s in %s (held-out ROC AUC %.4f)%n", version,
        registry.registry, result.model().metadata().metrics().rocAuc());
    return 0;
  }
}
