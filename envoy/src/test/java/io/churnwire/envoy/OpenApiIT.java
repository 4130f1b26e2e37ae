package io.churnwire.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The shipped OpenAPI description cannot drift from the protos: the build regenerates and compares. */
class OpenApiIT {
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
}
