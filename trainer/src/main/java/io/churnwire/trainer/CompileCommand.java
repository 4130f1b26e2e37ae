package io.churnwire.trainer;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.LegacyCompiler;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code compile}: turns every version of a registry written in the earlier Java-serialized layout
 * into a compiled version the server can load ({@link LegacyCompiler#compileRegistry}).
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Compiles the registry's Java-serialized (model.bin) versions into compiled ones",
        "(model.pb), renames them in the production pointer and the history, and moves the old",
        "directories to legacy/. Run it while no other churnwire-model command writes to the registry."})
final class CompileCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelRegistry modelRegistry = ModelRegistry.at(registry.registry);
    Map<String, String> renamed = LegacyCompiler.compileRegistry(modelRegistry);
    if (renamed.isEmpty()) {
      out.println("no Java-serialized versions in " + registry.registry + "; nothing to do");
      return 0;
    }
    renamed.forEach((old, compiled) -> out.printf(Locale.ROOT, "compiled    %s -> %s%n", old, compiled));
    out.printf(Locale.ROOT, "production  %s%n", modelRegistry.production().orElse("(none)"));
    out.printf(Locale.ROOT, "moved       the old directories to %s%n",
        registry.registry.resolve(LegacyCompiler.LEGACY_DIR));
    return 0;
  }
}
