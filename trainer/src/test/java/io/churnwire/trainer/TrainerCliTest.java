package io.churnwire.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.runtime.ModelRegistry;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a data scientist uses it, on small synthetic CSVs and fast params. */
class TrainerCliTest {
  private static final Pattern VERSION = Pattern.compile("version\\s+(sha256:[0-9a-f]{16})");

  @TempDir static Path shared;
  static Path csv;
  static Path params;

  @TempDir Path registry;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {
    String version() {
      Matcher matcher = VERSION.matcher(out);
      assertTrue(matcher.find(), out + err);
      return matcher.group(1);
    }
  }

  @BeforeAll
  static void writeDataAndParams() throws Exception {
    csv = shared.resolve("customers.csv");
    TelcoCsv.write(SyntheticTelcoData.generate(900, 4), csv);
    params = shared.resolve("fast.properties");
    Files.writeString(params, String.join("\n",
        "churnwire.train.folds=3",
        "churnwire.rf.trees=15",
        "churnwire.gbt.trees=40",
        "churnwire.gbt.shrinkage=0.1",
        "churnwire.deploy.min_recall=0.5",
        ""));
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = TrainerMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  private Run train(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", csv.toString(),
        "--registry", registry.toString(), "--params", params.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void train_auto_registersTheSelectedModelWithMetricsAndAReportOfPictures() throws Exception {
    Run run = train("--algorithm", "auto");

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("<- selected"), run.out());
    Path dir = ModelRegistry.at(registry).versionDir(run.version());
    assertTrue(Files.exists(dir.resolve("metrics.json")));
    String page = Files.readString(dir.resolve("report").resolve(ReportWriter.PAGE));
    for (String png : List.of(ReportWriter.ROC, ReportWriter.PRECISION_RECALL, ReportWriter.CONFUSION,
        ReportWriter.IMPORTANCE)) {
      assertTrue(page.contains("<img src=\"" + png + "\""), png);
      BufferedImage image = ImageIO.read(dir.resolve("report").resolve(png).toFile());
      assertEquals(640, image.getWidth(), png);
      assertEquals(480, image.getHeight(), png);
    }
    assertTrue(page.contains("Model selection"), page);
  }

  @Test
  void train_sameDataParamsAndSeedTwice_givesTheSameVersionAndKeepsTheFirstCopy() {
    Run first = train("--algorithm", "gbt");
    Run second = train("--algorithm", "gbt");

    assertEquals(first.version(), second.version());
    assertTrue(second.out().contains("already registered"), second.out());
  }

  @Test
  void promoteRollbackAndList_moveAndShowTheProductionPointer() throws Exception {
    String first = train("--algorithm", "rf").version();
    String second = train("--algorithm", "rf", "--seed", "7").version();

    Run promoteFirst = run("promote", first.substring(7, 13), "--registry", registry.toString(),
        "--params", params.toString());
    Run promoteSecond = run("promote", second, "--registry", registry.toString(), "--params", params.toString());
    Run listed = run("list", "--registry", registry.toString());
    Run rolledBack = run("rollback", "--registry", registry.toString());

    assertEquals(0, promoteFirst.status(), promoteFirst.err());
    assertEquals(0, promoteSecond.status(), promoteSecond.err());
    assertTrue(listed.out().contains("* " + second), listed.out());
    assertEquals(0, rolledBack.status(), rolledBack.err());
    assertEquals("production  " + first + " (was " + second + ")", rolledBack.out().strip());
    assertEquals(first, ModelRegistry.at(registry).production().orElseThrow());
  }

  @Test
  void promoteAndRollback_expectCurrentIsNotProduction_areRefusedNamingBothVersionsAndChangeNothing() throws Exception {
    String first = train("--algorithm", "logistic").version();
    String second = train("--algorithm", "logistic", "--seed", "7").version();
    String registryDir = registry.toString();
    assertEquals(0, run("promote", first, "--registry", registryDir, "--params", params.toString()).status());

    Run staleRollback = run("rollback", "--registry", registryDir, "--expect-current", second);
    Run stalePromote = run("promote", second, "--registry", registryDir, "--params", params.toString(),
        "--expect-current", second.substring(7, 13));
    Run promoted = run("promote", second, "--registry", registryDir, "--params", params.toString(),
        "--expect-current", first);
    Run rolledBack = run("rollback", "--registry", registryDir, "--expect-current", second);

    assertEquals(1, staleRollback.status());
    assertEquals("rollback refused: the production pointer names " + first + ", not the expected "
        + second + "; another promote or rollback moved it, nothing was changed", staleRollback.err().strip());
    assertEquals(1, stalePromote.status());
    assertTrue(stalePromote.err().contains("the production pointer names " + first + ", not the expected " + second),
        stalePromote.err());
    assertEquals(0, promoted.status(), promoted.err());
    assertEquals("production  " + second, promoted.out().strip());
    assertEquals(0, rolledBack.status(), rolledBack.err());
    assertEquals("production  " + first + " (was " + second + ")", rolledBack.out().strip());
  }

  @Test
  void promote_belowTheFloor_isRefusedWithTheReasonAndStatusOne() throws Exception {
    String version = train("--algorithm", "logistic").version();
    Path strict = shared.resolve("strict.properties");
    Files.writeString(strict, "churnwire.deploy.min_roc_auc=0.999\n");

    Run refused = run("promote", version, "--registry", registry.toString(), "--params", strict.toString());

    assertEquals(1, refused.status());
    assertTrue(refused.err().contains("is below the floor 0.9990"), refused.err());
    assertTrue(ModelRegistry.at(registry).production().isEmpty());
  }

  @Test
  void rollback_withoutAnEarlierPromotion_failsWithStatusOne() {
    Run run = run("rollback", "--registry", registry.toString());

    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: nothing to roll back to"), run.err());
  }

  @Test
  void evaluate_onOtherData_writesAReportForThatRun() throws Exception {
    String version = train("--algorithm", "gbt").version();
    Path other = shared.resolve("other.csv");
    TelcoCsv.write(SyntheticTelcoData.generate(500, 77), other);
    Path out = registry.resolve("eval");

    Run run = run("evaluate", version, "--data", other.toString(), "--registry", registry.toString(),
        "--out", out.toString());

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("all 500 rows of other.csv"), run.out());
    assertTrue(Files.exists(out.resolve("metrics.json")));
    assertTrue(Files.exists(out.resolve(ReportWriter.ROC)));
    assertFalse(Files.exists(ModelRegistry.at(registry).versionDir(version).resolve("eval")));
  }

  @Test
  void train_missingDataFile_failsWithStatusOneAndNamesTheFile() {
    Run run = run("train", "--data", shared.resolve("absent.csv").toString(), "--registry", registry.toString());

    assertEquals(1, run.status());
    assertTrue(run.err().contains("absent.csv"), run.err());
  }

  @Test
  void init_onAnEmptyRegistry_trainsRegistersAndPromotes_andASecondRunLeavesItAlone() throws Exception {
    Run first = run("init", "--data", csv.toString(), "--registry", registry.toString());

    assertEquals(0, first.status(), first.out() + first.err());
    String production = ModelRegistry.at(registry).production().orElseThrow();
    assertTrue(first.out().contains("registered and promoted " + production), first.out());
    assertTrue(Files.exists(ModelRegistry.at(registry).versionDir(production).resolve("model.pb")));

    Run second = run("init", "--demo", "--registry", registry.toString());

    assertEquals(0, second.status(), second.out() + second.err());
    assertTrue(second.out().contains("already serves " + production + "; nothing to do"), second.out());
  }

  @Test
  void init_withoutASource_isRejectedNamingTheOptions() {
    Run run = run("init", "--registry", registry.toString());

    assertEquals(2, run.status());
    assertTrue(run.err().contains("--demo") && run.err().contains("--data"), run.err());
  }

  @Test
  void compile_onACompiledRegistry_hasNothingToDo() {
    assertEquals(0, train("--algorithm", "gbt").status());

    Run run = run("compile", "--registry", registry.toString());

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("nothing to do"), run.out());
  }
}
