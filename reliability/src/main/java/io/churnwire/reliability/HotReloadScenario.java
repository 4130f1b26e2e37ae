package io.churnwire.reliability;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.training.Algorithm;
import io.churnwire.training.DeployCheck;
import io.churnwire.training.ModelTrainer;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 4: the registry's production pointer moves between two versions every second, as
 * {@code churnwire-model promote} moves it, while callers keep calling. Expected: no failed call,
 * and answers from both versions.
 */
final class HotReloadScenario implements Scenario {
  /** Floors the small models pass: this scenario is about reloading, not the deploy check. */
  private static final DeployCheck LENIENT = new DeployCheck(0.5, 0.1, 0.1, 0.1);
  private static final int CALLERS = 4;

  @Override
  public int number() {
    return 4;
  }

  @Override
  public String name() {
    return "hot reload every second";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    Path dir = DemoRegistry.createIn(workspace.directory("reload-registry"));
    ModelRegistry registry = ModelRegistry.at(dir);
    String first = registry.production().orElseThrow();
    String second = ModelTrainer.train(DemoRegistry.DATA, DemoRegistry.OPTIONS.withAlgorithms(Algorithm.LOGISTIC_REGRESSION),
        ModelTrainer.Listener.SILENT).registerIn(registry, null).version();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), dir, workspace.log("reload-server"),
        List.of("--reload-interval-ms=100"))) {
      Tally calls = new Tally();
      Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
      var stub = ChurnServiceGrpc.newBlockingStub(server.channel());
      List<PredictRequest> customers = Customers.varied(100);
      for (int c = 0; c < CALLERS; c++) {
        callers.execute(() -> {
          for (int i = 0; !stop.get(); i++) {
            try {
              versionsSeen.add(stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                  .predict(customers.get(i % customers.size())).getPrediction().getModelVersion());
              calls.add("OK");
            } catch (StatusRuntimeException e) {
              calls.add(e.getStatus().getCode().name(), String.valueOf(e.getStatus().getDescription()));
            }
          }
        });
      }
      int promotions = 0;
      long end = System.nanoTime() + scale.reloading().toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(1_000);
        registry.promote(promotions % 2 == 0 ? second : first, LENIENT);
        promotions++;
      }
      Thread.sleep(500);
      stop.set(true);
      callers.shutdown();
      boolean callersDone = callers.awaitTermination(scale.hangTimeout().toSeconds(), TimeUnit.SECONDS);
      callers.shutdownNow();
      long swaps = server.logSince(0).lines().filter(line -> line.contains("now serving model")).count();

      figures.add(Figure.of("promotions (one a second)", promotions));
      figures.add(Figure.of("swaps the server logged", swaps));
      figures.add(Figure.of("calls", calls.total()));
      figures.add(new Figure("outcomes", calls.line()));
      figures.add(Figure.of("model versions in answers", versionsSeen.size()));
      long failed = calls.total() - calls.count("OK");
      if (failed > 0) {
        violations.add(failed + " calls failed during reloads: " + calls.line());
      }
      if (!versionsSeen.containsAll(Set.of(first, second))) {
        violations.add("answers named " + versionsSeen + ", not both promoted versions " + first + " and " + second);
      }
      if (!callersDone) {
        violations.add("callers were still waiting for answers " + scale.hangTimeout() + " after the load stopped");
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }
}
