package io.churnwire.trainer;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ProductionChangedException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rollback}: moves the production pointer back one promotion. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Moves the production pointer back to the version promoted before the current one.")
final class RollbackCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Option(names = "--expect-current", paramLabel = "<version>",
      description = {"Roll back only if this version (or unique prefix) is production now; refused if another",
          "promote or rollback moved the pointer first."})
  String expectCurrent;

  @Override
  public Integer call() throws Exception {
    ModelRegistry models = ModelRegistry.at(registry.registry);
    Optional<String> expected = expectCurrent == null ? Optional.empty() : Optional.of(models.resolve(expectCurrent));
    String before = expected.orElse(models.production().orElse("none"));
    String now;
    try {
      now = models.rollback(expected);
    } catch (ProductionChangedException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return TrainerMain.FAILED;
    }
    spec.commandLine().getOut().println("production  " + now + " (was " + before + ")");
    return 0;
  }
}
