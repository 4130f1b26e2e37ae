package io.churnwire.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The containers' hardening, read from {@code Dockerfile} and {@code docker-compose.yml} (no
 * Docker engine needed): every image ends as the unprivileged user, and every compose service
 * drops its capabilities, cannot gain privileges and, where its image allows, runs as that user
 * on a read-only root file system with a tmpfs for {@code /tmp}.
 */
class ContainerHardeningTest {
  private static final String USER = "10001:10001";
  private static final Set<String> PROJECT_SERVICES =
      Set.of("model-init", "server", "envoy", "bridge", "simulator", "reader");
  private static final Set<String> IMAGES = Set.of("server", "trainer", "bridge", "envoy");

  @Test
  void everyDeployableImage_runsAsTheUnprivilegedUser() throws IOException {
    Map<String, String> lastUserByStage = lastUserByStage(
        Files.readAllLines(Tools.root().resolve("Dockerfile"), StandardCharsets.UTF_8));

    for (String image : IMAGES) {
      assertEquals(USER, lastUserByStage.get(image), "the last USER of Dockerfile stage " + image);
    }
  }

  @Test
  void everyComposeService_dropsAllCapabilities_andCannotGainPrivileges() throws IOException {
    Map<String, Map<String, Object>> services = services();

    assertTrue(services.keySet().containsAll(PROJECT_SERVICES), services::toString);
    for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
      Map<String, Object> settings = service.getValue();
      assertEquals(List.of("ALL"), settings.get("cap_drop"), service.getKey() + " cap_drop");
      assertTrue(list(settings.get("security_opt")).contains("no-new-privileges:true"),
          service.getKey() + " security_opt: " + settings.get("security_opt"));
    }
  }

  @Test
  void projectServices_runAsTheImageUser_onAReadOnlyRoot_withTmpOnTmpfs() throws IOException {
    Map<String, Map<String, Object>> services = services();

    for (String name : PROJECT_SERVICES) {
      Map<String, Object> service = services.get(name);
      assertEquals(USER, service.get("user"), name + " user");
      assertEquals(Boolean.TRUE, service.get("read_only"), name + " read_only");
      assertTrue(list(service.get("tmpfs")).stream().anyMatch(mount -> mount.toString().startsWith("/tmp:")
              || mount.toString().equals("/tmp")),
          name + " tmpfs: " + service.get("tmpfs"));
      assertFalse(Boolean.TRUE.equals(service.get("privileged")), name + " privileged");
    }
  }

  @Test
  void onlyTheTrainerWritesTheModelRegistry_theServerMountsItReadOnly_andWritesOnlyItsHistory() throws IOException {
    Map<String, Map<String, Object>> services = services();

    assertEquals(List.of("models:/models"), services.get("model-init").get("volumes"));
    assertEquals(List.of("models:/models:ro", "history:/history"), services.get("server").get("volumes"));
    for (String name : List.of("envoy", "bridge", "simulator", "reader")) {
      assertFalse(services.get(name).containsKey("volumes"), name + " mounts " + services.get(name).get("volumes"));
    }
  }

  /** Each stage's name (its {@code AS} alias) and the argument of its last {@code USER}, if any. */
  private static Map<String, String> lastUserByStage(List<String> dockerfile) {
    Map<String, String> users = new LinkedHashMap<>();
    String stage = null;
    for (String line : dockerfile) {
      String[] words = line.trim().split("\\s+");
      if (words[0].equalsIgnoreCase("FROM")) {
        stage = words.length >= 4 && words[2].equalsIgnoreCase("AS") ? words[3] : words[1];
        users.put(stage, null);
      } else if (words[0].equalsIgnoreCase("USER") && stage != null && words.length == 2) {
        users.put(stage, words[1]);
      }
    }
    return users;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    String compose = Files.readString(Tools.root().resolve("docker-compose.yml"), StandardCharsets.UTF_8);
    Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(compose);
    return (Map<String, Map<String, Object>>) document.get("services");
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> items ? new ArrayList<>(items) : List.of();
  }
}
