package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.LegacyModelException;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.training.DeployCheck;
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
  void load_registryWithProductionPointer_loadsThatVersion() throws Exception {
    ModelRegistry registry = ModelRegistry.at(dir);
    String small = TestModels.smallResult().registerIn(registry, null).version();
    TestModels.forest().registerIn(registry, null);
    registry.promote(small, new DeployCheck(0.5, 0.1, 0.1, 0.1));

    assertEquals(small, ModelBootstrap.load(config()).metadata().version());
  }

  @Test
  void load_registryWithoutProductionModel_failsWithAPromoteHint() throws Exception {
    TestModels.smallResult().registerIn(ModelRegistry.at(dir), null);

    IOException e = assertThrows(IOException.class, () -> ModelBootstrap.load(config()));

    assertTrue(e.getMessage().contains("has no production model; promote one with"), e.getMessage());
  }

  @Test
  void load_emptyDirectory_failsNamingTheCommandThatTrainsTheDemoModel() {
    IOException e = assertThrows(IOException.class, () -> ModelBootstrap.load(config()));

    assertTrue(e.getMessage().contains("scripts/churnwire-model.sh init --demo --registry " + dir), e.getMessage());
  }

  @Test
  void load_versionInTheJavaSerializedLayout_isRefusedNamingTheCompileCommand() throws Exception {
    Path version = dir.resolve("versions").resolve("sha256-0123456789abcdef");
    Files.createDirectories(version);
    Files.write(version.resolve("model.bin"), new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
    Files.writeString(version.resolve("metadata.json"), "{\"format\": \"churnwire-model/1\"}");
    Files.writeString(dir.resolve("production"), "sha256:0123456789abcdef\n");

    LegacyModelException e = assertThrows(LegacyModelException.class, () -> ModelBootstrap.load(config()));

    assertTrue(e.getMessage().contains("scripts/churnwire-model.sh compile --registry " + dir), e.getMessage());
  }
}
