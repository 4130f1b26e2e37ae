package io.churnwire.trainer;

import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.runtime.ModelStore;
import io.churnwire.training.LegacyCompiler;
import io.churnwire.training.MetricsJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code compile}: turns every version of a registry written in the earlier Java-serialized layout
 * into a compiled version the server can load. Each gets a new version (the hash of its model.pb),
 * with its metrics.json and report carried over; the production pointer and the history follow the
 * renaming, so rollback keeps working, and the old directories move to {@code legacy/}.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Compiles the registry's Java-serialized (model.bin) versions into compiled ones",
        "(model.pb) and moves the production pointer and history to them. Run it while no other",
        "churnwire-model command writes to the registry."})
final class CompileCommand implements Callable<Integer> {

  @Mixin Shared.RegistryOption registry;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelRegistry modelRegistry = ModelRegistry.at(registry.registry);
    Path versions = registry.registry.resolve(ModelRegistry.VERSIONS);
    Map<String, String> renamed = new LinkedHashMap<>();
    Map<String, Path> legacyDirs = new LinkedHashMap<>();
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        for (Path dir : dirs.sorted().toList()) {
          if (!LegacyCompiler.isLegacy(dir)) {
            continue;
          }
          ChurnModel model = LegacyCompiler.compile(dir);
          String old = model.metadata().parameters().get(LegacyCompiler.COMPILED_FROM);
          modelRegistry.register(model, target -> carryOver(dir, target, model));
          renamed.put(old, model.version());
          legacyDirs.put(old, dir);
          out.printf(Locale.ROOT, "compiled    %s -> %s%n", old, model.version());
        }
      }
    }
    if (renamed.isEmpty()) {
      out.println("no Java-serialized versions in " + registry.registry + "; nothing to do");
      return 0;
    }
    rewrite(registry.registry.resolve(ModelRegistry.PRODUCTION), renamed);
    rewrite(registry.registry.resolve(ModelRegistry.HISTORY), renamed);
    Path legacy = registry.registry.resolve("legacy");
    Files.createDirectories(legacy);
    for (Path dir : legacyDirs.values()) {
      Files.move(dir, legacy.resolve(dir.getFileName()));
    }
    out.printf(Locale.ROOT, "production  %s%n", modelRegistry.production().orElse("(none)"));
    out.printf(Locale.ROOT, "moved       the %d old directories to %s%n", legacyDirs.size(), legacy);
    return 0;
  }

  /** Copies metrics.json (naming the new version) and the report into the new version. */
  private static void carryOver(Path from, Path to, ChurnModel model) throws IOException {
    Path metrics = from.resolve(MetricsJson.FILE);
    if (Files.exists(metrics)) {
      MetricsJson.Contents old = MetricsJson.read(ModelStore.readText(metrics));
      MetricsJson.Contents renamed = new MetricsJson.Contents(model.version(), old.algorithm(),
          old.decisionThreshold(), old.dataSha256(), old.dataSource(), old.report(), model.metadata().parameters());
      ModelStore.writeAtomically(to.resolve(MetricsJson.FILE), MetricsJson.write(renamed).getBytes(StandardCharsets.UTF_8));
    }
    Path report = from.resolve("report");
    if (Files.isDirectory(report)) {
      try (Stream<Path> files = Files.walk(report)) {
        for (Path file : files.toList()) {
          Path target = to.resolve("report").resolve(report.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
    }
  }

  private static void rewrite(Path file, Map<String, String> renamed) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> entry : renamed.entrySet()) {
      text = text.replace(entry.getKey(), entry.getValue());
    }
    ModelStore.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
