package io.churnwire.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The YAML files of {@code observability/} as plain maps and lists. */
final class RuleFiles {
  private RuleFiles() {}

  /** One rule of {@code churnwire-rules.yml}: a recording rule has {@code record}, an alert {@code alert}. */
  record Rule(String group, Map<String, Object> fields) {
    boolean isAlert() {
      return fields.containsKey("alert");
    }

    String name() {
      return (String) (isAlert() ? fields.get("alert") : fields.get("record"));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String key) {
      Object value = fields.get(key);
      return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }
  }

  /** Every rule of {@code churnwire-rules.yml}, in file order. */
  @SuppressWarnings("unchecked")
  static List<Rule> rules() throws IOException {
    Map<String, Object> document = load(Tools.prometheusDir().resolve("churnwire-rules.yml"));
    List<Rule> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        rules.add(new Rule((String) group.get("name"), rule));
      }
    }
    return rules;
  }

  static Map<String, Object> load(Path file) throws IOException {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file, StandardCharsets.UTF_8));
  }
}
