package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.DeployCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reloader on a real registry: coalesced attempts and remembered rejections. */
class ModelReloaderTest {
  private static final DeployCheck LENIENT = new DeployCheck(0.5, 0.1, 0.1, 0.1);

  @TempDir Path registryDir;
  private ModelRegistry registry;
  private ModelHolder models;
  private ScheduledThreadPoolExecutor thread;
  private ModelReloader reloader;
  private String gbt;
  private String forest;

  @BeforeEach
  void serveTheFirstOfTwoModels() throws Exception {
    registry = ModelRegistry.at(registryDir);
    gbt = TestModels.smallResult().registerIn(registry, null).version();
    forest = TestModels.forest().registerIn(registry, null).version();
    registry.promote(gbt, LENIENT);
    models = new ModelHolder();
    models.swap(ServingModel.of(registry.load(gbt)));
    thread = new ScheduledThreadPoolExecutor(1);
  }

  @AfterEach
  void stop() {
    if (reloader != null) {
      reloader.close();
    }
    thread.shutdownNow();
  }

  private ModelReloader reloader(Duration retryAfter) {
    reloader = new ModelReloader(registry, models, retryAfter, thread);
    return reloader;
  }

  private ModelReloader.Attempt reloadNow(String expected) throws Exception {
    return reloader.reload(expected).get(60, TimeUnit.SECONDS);
  }

  /**
   * Corrupts the forest's model.pb and makes it production; returns a step that puts the good bytes
   * back without changing what the reloader can see of the file (size, time, identity).
   */
  private Runnable corruptTheForestAndPromoteItByHand() throws Exception {
    Path file = registry.versionDir(forest).resolve("model.pb");
    byte[] good = Files.readAllBytes(file);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x01;
    Files.write(file, bad);
    FileTime corrupted = Files.getLastModifiedTime(file);
    Files.writeString(registry.pointerFile(), forest + "\n");
    return () -> {
      try {
        Files.write(file, good);
        Files.setLastModifiedTime(file, corrupted);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  @Test
  void reload_callsWhileAnAttemptWaits_shareThatOneAttempt_andOnlyOneIsQueued() throws Exception {
    reloader(Duration.ofMinutes(1));
    registry.promote(forest, LENIENT);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    thread.execute(() -> {
      busy.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(busy.await(30, TimeUnit.SECONDS));

    List<CompletableFuture<ModelReloader.Attempt>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(reloader.reload(i % 2 == 0 ? "" : forest));
    }
    int queued = thread.getQueue().size();
    release.countDown();

    assertEquals(1, queued, "one attempt waits, however many calls");
    ModelReloader.Attempt first = calls.getFirst().get(60, TimeUnit.SECONDS);
    assertEquals(ModelReloader.Outcome.SWAPPED, first.outcome());
    for (CompletableFuture<ModelReloader.Attempt> call : calls) {
      ModelReloader.Attempt attempt = call.get(60, TimeUnit.SECONDS);
      assertEquals(ModelReloader.Outcome.SWAPPED, attempt.outcome(), attempt.toString());
      assertEquals(gbt, attempt.previousVersion());
    }
    assertSame(first, calls.get(2).get());
    assertEquals(forest, models.current().orElseThrow().version());
  }

  @Test
  void reload_rejectedVersionWithUnchangedFiles_isAnsweredFromMemoryWithoutValidatingAgain() throws Exception {
    reloader(Duration.ofMinutes(10));
    Runnable repairUnseen = corruptTheForestAndPromoteItByHand();
    ModelReloader.Attempt rejected = reloadNow("");
    repairUnseen.run();

    ModelReloader.Attempt again = reloadNow("");

    assertEquals(ModelReloader.Outcome.REJECTED, rejected.outcome());
    assertTrue(rejected.error().contains("SHA-256"), rejected.error());
    assertSame(rejected, again, "the remembered rejection, not a new validation");
    assertEquals(gbt, models.current().orElseThrow().version());
  }

  @Test
  void reload_rejectedVersionAfterTheRetryInterval_isValidatedAgain() throws Exception {
    reloader(Duration.ZERO);
    Runnable repairUnseen = corruptTheForestAndPromoteItByHand();
    ModelReloader.Attempt rejected = reloadNow("");
    repairUnseen.run();

    ModelReloader.Attempt again = reloadNow("");

    assertEquals(ModelReloader.Outcome.REJECTED, rejected.outcome());
    assertEquals(ModelReloader.Outcome.SWAPPED, again.outcome(), again.toString());
    assertEquals(forest, models.current().orElseThrow().version());
  }

  @Test
  void reload_rejectedVersionWhoseFilesChanged_isValidatedAgainAtOnce() throws Exception {
    reloader(Duration.ofMinutes(10));
    Runnable repairUnseen = corruptTheForestAndPromoteItByHand();
    reloadNow("");
    repairUnseen.run();
    Path file = registry.versionDir(forest).resolve("model.pb");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));

    ModelReloader.Attempt again = reloadNow("");

    assertEquals(ModelReloader.Outcome.SWAPPED, again.outcome(), again.toString());
  }

  @Test
  void reload_errorsNameTheRegistryByItsDirectoryName_neverByItsLocation() throws Exception {
    reloader(Duration.ofMinutes(10));
    corruptTheForestAndPromoteItByHand();

    ModelReloader.Attempt rejected = reloadNow("");

    String absolute = registryDir.toAbsolutePath().toString();
    assertFalse(rejected.error().contains(absolute), rejected.error());
    assertTrue(rejected.error().contains(registryDir.getFileName() + "/versions/"), rejected.error());
    assertEquals(registryDir.getFileName().toString(), reloader.registryName());
  }

  @Test
  void reload_afterClose_failsWithAMessageInsteadOfHanging() throws Exception {
    reloader(Duration.ofMinutes(1));
    reloader.close();

    var error = reloader.reload("").handle((attempt, e) -> e).get(60, TimeUnit.SECONDS);

    assertTrue(error.getMessage().contains("shutting down"), String.valueOf(error));
  }
}
