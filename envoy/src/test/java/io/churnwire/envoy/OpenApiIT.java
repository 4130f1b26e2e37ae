package io.churnwire.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped OpenAPI description cannot drift from the protos (the build regenerates it and
 * compares) nor leave out a service that Envoy transcodes.
 */
class OpenApiIT {
  private static final Pattern TRANSCODED_SERVICES = Pattern.compile("\\n\\s*services:\\s*\\[([^\\]]*)\\]");

  @Test
  void shippedOpenApi_isWhatTheProtosGenerate() throws Exception {
    assertTrue(Files.isRegularFile(OpenApi.generated()),
        OpenApi.generated() + " was not generated; the protobuf-maven-plugin 'openapi' execution of "
            + "envoy/pom.xml writes it (it needs .tools/bin/protoc-gen-openapiv2 from scripts/install-tools.sh)");

    String generated = Files.readString(OpenApi.generated(), StandardCharsets.UTF_8);
    String shipped = Files.readString(OpenApi.shipped(), StandardCharsets.UTF_8);

    assertEquals(generated, shipped, "envoy/openapi/churnwire.swagger.json is stale: the protos changed. "
        + "Regenerate it with envoy/openapi/generate.sh and commit the result");
  }

  /**
   * Envoy listens on HTTP or HTTPS depending on its configuration and sits behind whatever host
   * name a deployment gives it; without {@code schemes} and {@code host}, Swagger 2.0 clients (the
   * console's Swagger UI among them) call back with the scheme and host they fetched the file from.
   */
  @Test
  void shippedOpenApi_namesNoSchemeOrHost_soClientsCallTheOriginTheyReadItFrom() throws Exception {
    List<String> fields = OpenApi.topLevelFields(OpenApi.shipped());

    assertTrue(fields.contains("paths"), fields::toString);
    assertFalse(fields.contains("schemes"), fields::toString);
    assertFalse(fields.contains("host"), fields::toString);
  }

  @Test
  void shippedOpenApi_describesEveryServiceEnvoyTranscodes() throws Exception {
    String config = Files.readString(Tools.root().resolve("envoy/envoy.yaml"), StandardCharsets.UTF_8);
    Matcher services = TRANSCODED_SERVICES.matcher(config);
    assertTrue(services.find(), "no transcoder services: [...] line in envoy/envoy.yaml");
    List<String> transcoded = Arrays.stream(services.group(1).split(","))
        .map(String::strip)
        .map(name -> name.substring(name.lastIndexOf('.') + 1))
        .sorted()
        .toList();

    List<String> described = OpenApi.tags(OpenApi.shipped()).stream().sorted().toList();

    assertEquals(List.of("ChurnInsightsService", "ChurnMonitoringService", "ChurnService"), transcoded);
    assertEquals(transcoded, described, "every service the transcoder serves belongs in the OpenAPI description: "
        + "add its proto to the includes of the 'openapi' execution in envoy/pom.xml");
  }
}
