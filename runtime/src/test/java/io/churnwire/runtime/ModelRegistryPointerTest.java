package io.churnwire.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promote and rollback as two operators see them: compare-and-set moves, and crash-safe history. */
class ModelRegistryPointerTest {

  @TempDir Path root;

  private List<String> promoteAll(ModelRegistry registry, List<String> versions) throws Exception {
    for (String version : versions) {
      registry.promote(version, RegistryModels.ANY);
    }
    return versions;
  }

  /** What a process that died between the history line and the pointer leaves behind. */
  private void appendHistoryLineOnly(String action, String version) throws IOException {
    Files.writeString(root.resolve(ModelRegistry.HISTORY), Instant.now() + " " + action + " " + version + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<String> promotions(ModelRegistry registry) throws IOException {
    return registry.history().stream().filter(e -> e.action().equals("promote"))
        .map(ModelRegistry.HistoryEntry::version).toList();
  }

  @Test
  void promote_expectedCurrentMatches_movesThePointer() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 2);
    registry.promote(v.get(0), RegistryModels.ANY);

    registry.promote(v.get(1), Optional.of(v.get(0)), RegistryModels.ANY);

    assertEquals(Optional.of(v.get(1)), registry.production());
  }

  @Test
  void promote_expectedCurrentIsStale_isRefusedNamingBothVersionsAndChangesNothing() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 3);
    promoteAll(registry, v.subList(0, 2));
    String historyBefore = Files.readString(root.resolve(ModelRegistry.HISTORY));

    var e = assertThrows(ProductionChangedException.class,
        () -> registry.promote(v.get(2), Optional.of(v.get(0)), RegistryModels.ANY));

    assertTrue(e.getMessage().contains(v.get(0)) && e.getMessage().contains(v.get(1)), e.getMessage());
    assertEquals(v.get(0), e.expected());
    assertEquals(Optional.of(v.get(1)), e.actual());
    assertEquals(Optional.of(v.get(1)), registry.production());
    assertEquals(historyBefore, Files.readString(root.resolve(ModelRegistry.HISTORY)));
  }

  @Test
  void rollback_expectedCurrentIsStale_isRefusedAndChangesNothing() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = promoteAll(ModelRegistry.at(root), RegistryModels.register(registry, 3));

    var e = assertThrows(ProductionChangedException.class, () -> registry.rollback(Optional.of(v.get(1))));

    assertTrue(e.getMessage().startsWith("rollback refused: the production pointer names " + v.get(2)
        + ", not the expected " + v.get(1)), e.getMessage());
    assertEquals(Optional.of(v.get(2)), registry.production());
    assertEquals(v.get(1), registry.rollback(Optional.of(v.get(2))));
  }

  @Test
  void promote_concurrentThreadsExpectingTheSameCurrent_exactlyOneWins() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    int contenders = 6;
    List<String> v = RegistryModels.register(registry, contenders + 1);
    String current = v.getFirst();
    registry.promote(current, RegistryModels.ANY);
    CyclicBarrier start = new CyclicBarrier(contenders);
    ExecutorService threads = Executors.newFixedThreadPool(contenders);
    List<Future<Optional<String>>> results = new ArrayList<>();
    try {
      for (String version : v.subList(1, v.size())) {
        results.add(threads.submit(() -> {
          ModelRegistry own = ModelRegistry.at(root);
          start.await(30, TimeUnit.SECONDS);
          try {
            own.promote(version, Optional.of(current), RegistryModels.ANY);
            return Optional.of(version);
          } catch (ProductionChangedException e) {
            return Optional.empty();
          }
        }));
      }
      List<String> winners = new ArrayList<>();
      for (Future<Optional<String>> result : results) {
        result.get(60, TimeUnit.SECONDS).ifPresent(winners::add);
      }

      assertEquals(1, winners.size(), "winners: " + winners);
      assertEquals(Optional.of(winners.getFirst()), registry.production());
      assertEquals(List.of(current, winners.getFirst()), promotions(registry));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void promote_twoProcessesExpectingTheSameCurrent_exactlyOneWinsAndTheOtherIsToldWhy() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 3);
    registry.promote(v.get(0), RegistryModels.ANY);
    Path go = root.resolve("go");
    List<Process> processes = new ArrayList<>();
    List<Path> ready = List.of(root.resolve("ready-1"), root.resolve("ready-2"));
    for (int i = 0; i < 2; i++) {
      processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), PromoteInAnotherProcess.class.getName(),
          root.toString(), v.get(i + 1), v.get(0), ready.get(i).toString(), go.toString())
          .redirectErrorStream(true).start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ready.stream().allMatch(Files::exists) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Files.writeString(go, "go");
    List<Integer> exits = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (Process process : processes) {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the promoting process finished");
      exits.add(process.exitValue());
      outputs.add(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    assertEquals(List.of(0, PromoteInAnotherProcess.REFUSED), exits.stream().sorted().toList(), outputs::toString);
    int winner = exits.indexOf(0);
    String won = v.get(winner + 1);
    String lost = v.get(2 - winner);
    assertEquals(Optional.of(won), registry.production());
    String refusal = outputs.get(1 - winner);
    assertTrue(refusal.contains("promote of " + lost + " refused: the production pointer names " + won
        + ", not the expected " + v.get(0)), refusal);
    assertEquals(List.of(v.get(0), won), promotions(registry));
  }

  @Test
  void rollback_afterACrashBetweenHistoryAndPointerOfAPromotion_returnsToTheVersionBeforeTheServedOne()
      throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 3);
    promoteAll(registry, v.subList(0, 2));
    appendHistoryLineOnly("promote", v.get(2));

    String back = registry.rollback();

    assertEquals(v.get(0), back);
    assertEquals(Optional.of(v.get(0)), registry.production());
    var e = assertThrows(IllegalStateException.class, registry::rollback);
    assertTrue(e.getMessage().startsWith("nothing to roll back to"), e.getMessage());
  }

  @Test
  void rollback_afterACrashBetweenHistoryAndPointerOfARollback_stillRollsBack() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = promoteAll(ModelRegistry.at(root), RegistryModels.register(registry, 3));
    appendHistoryLineOnly("rollback", v.get(1));

    String back = registry.rollback();

    assertEquals(v.get(1), back);
    assertEquals(v.get(0), registry.rollback());
  }

  @Test
  void promote_afterACrashBetweenHistoryAndPointer_rollbackSkipsTheVersionNeverServed() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 4);
    promoteAll(registry, v.subList(0, 2));
    appendHistoryLineOnly("promote", v.get(2));

    registry.promote(v.get(3), Optional.of(v.get(1)), RegistryModels.ANY);

    assertEquals(v.get(1), registry.rollback());
    assertEquals(v.get(0), registry.rollback());
    assertEquals("abandon", registry.history().stream().filter(e -> e.version().equals(v.get(2)))
        .reduce((a, b) -> b).orElseThrow().action());
  }

  @Test
  void promote_afterACrashDuringTheFirstPromotion_startsTheHistoryAfresh() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 2);
    appendHistoryLineOnly("promote", v.get(0));

    registry.promote(v.get(1), RegistryModels.ANY);

    assertEquals(Optional.of(v.get(1)), registry.production());
    var e = assertThrows(IllegalStateException.class, registry::rollback);
    assertTrue(e.getMessage().contains("only the promotion of " + v.get(1)), e.getMessage());
  }

  @Test
  void rollback_pointerWrittenByHand_returnsToTheLastPromotedVersion() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);
    List<String> v = RegistryModels.register(registry, 3);
    promoteAll(registry, v.subList(0, 2));
    Files.writeString(registry.pointerFile(), v.get(2) + "\n");

    assertEquals(v.get(1), registry.rollback());
  }

  @Test
  void register_leavesNoTemporaryFilesBehind() throws Exception {
    ModelRegistry registry = ModelRegistry.at(root);

    String version = RegistryModels.register(registry, 1).getFirst();
    registry.promote(version, RegistryModels.ANY);

    try (var files = Files.list(registry.versionDir(version))) {
      assertEquals(List.of("metadata.json", "model.pb"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (var files = Files.list(root)) {
      assertEquals(List.of(".lock", "history.log", "production", "versions"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
