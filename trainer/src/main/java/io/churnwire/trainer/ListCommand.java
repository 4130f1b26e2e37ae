package io.churnwire.trainer;

import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code list}: every registered version with its headline metrics; {@code *} marks production. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the registered versions, oldest first; * marks the production model.")
final class ListCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelRegistry models = ModelRegistry.at(registry.registry);
    List<ModelRegistry.Entry> entries = models.list();
    if (entries.isEmpty()) {
      out.println("no models in " + registry.registry);
      return 0;
    }
    Optional<String> production = models.production();
    out.printf(Locale.ROOT, "  %-23s %-9s %-20s %8s %8s %8s %8s %9s  %s%n", "version", "algorithm",
        "trained at", "ROC AUC", "PR AUC", "recall", "prec.", "threshold", "data");
    for (ModelRegistry.Entry entry : entries) {
      String mark = production.filter(entry.version()::equals).isPresent() ? "*" : " ";
      if (entry.metadata().isEmpty()) {
        out.printf(Locale.ROOT, "%s %-23s unreadable: %s%n", mark, entry.version(), entry.problem().orElse(""));
        continue;
      }
      ModelMetadata m = entry.metadata().get();
      out.printf(Locale.ROOT, "%s %-23s %-9s %-20s %8.4f %8.4f %8.4f %8.4f %9.4f  %s%n", mark, entry.version(),
          m.parameters().getOrDefault("churnwire.model.selected_algorithm", "?"),
          m.trainedAt().toString().substring(0, 19), m.metrics().rocAuc(), m.metrics().prAuc(),
          m.metrics().recall(), m.metrics().precision(), m.decisionThreshold(),
          m.trainingDataSource() + " (" + m.schema().size() + " features)");
    }
    return 0;
  }
}
