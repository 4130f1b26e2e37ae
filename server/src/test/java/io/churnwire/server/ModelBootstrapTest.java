package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.model.DeployCheck;
import io.churnwire.model.ModelRegistry;
import io.churnwire.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBootstrapTest {
  @TempDir Path dir;

  private ServerConfig config() {
    return ServerConfig.defaults().withModelDir(dir);
  }

  @Test
  void loadOrTrain_registryWithProductionPointer_loadsThatVersion() throws Exception {
    ModelRegistry registry = ModelRegistry.at(dir);
    String small = registry.register(TestModels.small(), TestModels.smallResult().report(), null).version();
    registry.register(TestModels.forest().model(), TestModels.forest().report(), null);
    registry.promote(small, new DeployCheck(0.5, 0.1, 0.1, 0.1));

    assertEquals(small, ModelBootstrap.loadOrTrain(config()).metadata().version());
  }

  @Test
  void loadOrTrain_registryWithoutProductionModel_failsWithAPromoteHint() throws Exception {
    ModelRegistry.at(dir).register(TestModels.small(), TestModels.smallResult().report(), null);

    IOException e = assertThrows(IOException.class, () -> ModelBootstrap.loadOrTrain(config()));

    assertTrue(e.getMessage().contains("has no production model; promote one with"), e.getMessage());
  }

  @Test
  void loadOrTrain_foreignFiles_failsAndLeavesThemAlone() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "mine");

    IOException e = assertThrows(IOException.class, () -> ModelBootstrap.loadOrTrain(config()));

    assertTrue(e.getMessage().contains("is neither empty nor a model registry"), e.getMessage());
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
  }

  @Test
  void loadOrTrain_singleModelLayout_isStillLoaded() throws Exception {
    ModelStore.save(TestModels.small(), dir);

    assertEquals(TestModels.small().metadata().version(), ModelBootstrap.loadOrTrain(config()).metadata().version());
  }
}
