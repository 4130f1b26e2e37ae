package io.churnwire.envoy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shipped OpenAPI description of the REST surface, read as plain JSON. */
final class OpenApi {
  private OpenApi() {}

  /** {@code envoy/openapi/churnwire.swagger.json}, as committed. */
  static Path shipped() {
    return Tools.root().resolve("envoy/openapi/churnwire.swagger.json");
  }

  /** What the build generated from the protos this run, all services merged (see envoy/pom.xml). */
  static Path generated() {
    return Tools.root().resolve("envoy/target/openapi/churnwire.swagger.json");
  }

  /** The names of the tags of the description: one per gRPC service, e.g. {@code ChurnService}. */
  static List<String> tags(Path description) throws IOException {
    return read(description).getFieldsOrThrow("tags").getListValue().getValuesList().stream()
        .map(tag -> tag.getStructValue().getFieldsOrThrow("name").getStringValue())
        .toList();
  }

  /** The document's top-level field names, e.g. {@code swagger}, {@code info}, {@code paths}. */
  static List<String> topLevelFields(Path description) throws IOException {
    return read(description).getFieldsMap().keySet().stream().sorted().toList();
  }

  /** Each path of the description with its HTTP methods, in document order. */
  static Map<String, List<String>> operations(Path description) throws IOException {
    Map<String, List<String>> operations = new LinkedHashMap<>();
    for (Map.Entry<String, Value> path : read(description).getFieldsOrThrow("paths").getStructValue().getFieldsMap().entrySet()) {
      operations.put(path.getKey(), path.getValue().getStructValue().getFieldsMap().keySet().stream().sorted().toList());
    }
    return operations;
  }

  private static Struct read(Path description) throws IOException {
    Struct.Builder document = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(Files.readString(description, StandardCharsets.UTF_8), document);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(description + " is not JSON", e);
    }
    return document.build();
  }
}
