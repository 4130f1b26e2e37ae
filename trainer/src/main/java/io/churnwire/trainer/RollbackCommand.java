package io.churnwire.trainer;

import io.churnwire.runtime.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rollback}: moves the production pointer back one promotion. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Moves the production pointer back to the version promoted before the current one.")
final class RollbackCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String before = ModelRegistry.at(registry.registry).production().orElse("none");
    String now = ModelRegistry.at(registry.registry).rollback();
    spec.commandLine().getOut().println("production  " + now + " (was " + before + ")");
    return 0;
  }
}
