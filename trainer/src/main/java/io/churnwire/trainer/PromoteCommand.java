package io.churnwire.trainer;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ProductionChangedException;
import io.churnwire.runtime.PromotionRefusedException;
import io.churnwire.training.DeployCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code promote}: the deploy check, then the production pointer. */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = {"Makes a version the production model after the deploy check: complete metadata,",
        "an evaluation report, intact files, and held-out metrics at or above the floors",
        "(churnwire.deploy.* in the params file). A running server picks it up by itself."})
final class PromoteCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<version>", description = "Version or unique prefix.")
  String version;

  @Option(names = "--params", paramLabel = "<file>", description = "Params file with churnwire.deploy.* floors.")
  Path params;

  @Option(names = "--expect-current", paramLabel = "<version>",
      description = {"Promote only if this version (or unique prefix) is production now; refused if another",
          "promote or rollback moved the pointer first."})
  String expectCurrent;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelRegistry models = ModelRegistry.at(registry.registry);
    String resolved = models.resolve(version);
    Optional<String> expected = expectCurrent == null ? Optional.empty() : Optional.of(models.resolve(expectCurrent));
    DeployCheck check = DeployCheck.of(Shared.params(params));
    try {
      models.promote(resolved, expected, check);
    } catch (ProductionChangedException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return TrainerMain.FAILED;
    } catch (PromotionRefusedException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("refused: " + resolved + " fails the deploy check:");
      e.problems().forEach(problem -> err.println("  - " + problem));
      return TrainerMain.FAILED;
    }
    out.println("production  " + resolved);
    return 0;
  }
}
