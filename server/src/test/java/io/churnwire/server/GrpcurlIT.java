package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.churnwire.history.HistoryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's grpcurl commands, run with the real grpcurl binary against the server on Netty:
 * a user with nothing but grpcurl (no .proto files) can discover, describe and call the service
 * through reflection, and reads errors with their field violations decoded.
 */
class GrpcurlIT {
  private static ServerApplication application;
  private static ManagedChannel channel;
  private static Path grpcurlBinary;

  @BeforeAll
  static void start() throws IOException {
    grpcurlBinary = locateGrpcurl();
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withModelDir(Path.of("unused"));
    application = ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void list_onThePublicPort_showsTheChurnInsightsAndMonitoringServicesHealthAndReflection() throws Exception {
    Result result = grpcurl(application.port(), List.of(), "list");

    assertEquals(0, result.exitCode, result::describe);
    assertEquals(List.of("churnwire.v1.ChurnInsightsService", "churnwire.v1.ChurnMonitoringService",
            "churnwire.v1.ChurnService", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"),
        result.stdout.strip().lines().toList());
  }

  @Test
  void list_onTheAdminPort_showsTheAdminServiceHealthAndReflection() throws Exception {
    Result result = grpcurl(application.adminPort(), List.of(), "list");

    assertEquals(0, result.exitCode, result::describe);
    assertEquals(List.of("churnwire.v1.ModelAdminService", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"),
        result.stdout.strip().lines().toList());
  }

  @Test
  void getModelStatus_onTheAdminPort_namesTheServingVersion() throws Exception {
    Result result = grpcurl(application.adminPort(), List.of(), "churnwire.v1.ModelAdminService/GetModelStatus");

    assertEquals(0, result.exitCode, result::describe);
    assertTrue(result.stdout.contains("\"serving_version\": \"" + application.models().current().orElseThrow().version()),
        result::describe);
  }

  @Test
  void describe_churnService_showsEveryRpc() throws Exception {
    Result result = grpcurl(List.of(), "describe", "churnwire.v1.ChurnService");

    assertEquals(0, result.exitCode, result::describe);
    assertTrue(result.stdout.contains("churnwire.v1.ChurnService is a service"), result::describe);
    for (String rpc : List.of(
        "rpc Predict ( .churnwire.v1.PredictRequest ) returns ( .churnwire.v1.PredictResponse )",
        "rpc PredictBatch ( stream .churnwire.v1.PredictBatchRequest ) returns ( stream .churnwire.v1.PredictBatchResponse )",
        "rpc BatchPredict ( .churnwire.v1.BatchPredictRequest ) returns ( .churnwire.v1.BatchPredictResponse )",
        "rpc GetModelMetadata ( .churnwire.v1.GetModelMetadataRequest ) returns ( .churnwire.v1.GetModelMetadataResponse )")) {
      assertTrue(result.stdout.contains(rpc), () -> "missing " + rpc + "\n" + result.describe());
    }
  }

  @Test
  void predict_throughReflectionAlone_answersWhatTheJavaClientGets() throws Exception {
    PredictRequest request = Customers.risky().toBuilder().setRequestId("grpcurl-1").build();

    Result result = grpcurl(List.of("-d", JsonFormat.printer().preservingProtoFieldNames().print(request)),
        "churnwire.v1.ChurnService/Predict");
    PredictResponse expected = ChurnServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).predict(request);

    assertEquals(0, result.exitCode, result::describe);
    assertTrue(result.stdout.contains("\"churn_probability\":"), result::describe);
    PredictResponse.Builder answer = PredictResponse.newBuilder();
    JsonFormat.parser().merge(result.stdout, answer);
    assertEquals(expected, answer.build());
  }

  @Test
  void predict_withInvalidFields_isInvalidArgumentWithDecodedFieldViolations() throws Exception {
    Result result = grpcurl(List.of("-d", "{\"satisfaction_score\": 9, \"tenure_in_months\": 3}"),
        "churnwire.v1.ChurnService/Predict");

    assertEquals(64 + io.grpc.Status.Code.INVALID_ARGUMENT.value(), result.exitCode, result::describe);
    assertTrue(result.stderr.contains("Code: InvalidArgument"), result::describe);
    assertTrue(result.stderr.contains("\"@type\": \"type.googleapis.com/google.rpc.BadRequest\""), result::describe);
    assertTrue(result.stderr.contains("\"field\": \"satisfaction_score\""), result::describe);
    assertTrue(result.stderr.contains("\"description\": \"must be from 1 to 5, got 9\""), result::describe);
    assertFalse(result.stderr.contains("is not recognized"), result::describe);
  }

  @Test
  void tlsAndToken_asTheReadmeShowsThem_areAnsweredAndATokenlessCallIsNot(@TempDir Path dir) throws Exception {
    TestCertificates authority = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued server = authority.server("server");
    String token = "grpcurl-token";
    Path tokens = Files.writeString(dir.resolve("tokens"), "sha256:" + AuthTokensTest.sha256(token) + " predict\n");
    ServerConfig config = InProcessChurnwire.config().withTls(server.certificate(), server.key(), 60)
        .withAuthTokens(tokens, 60);
    try (ServerApplication secured = ServerApplication.startOnNetty(config, TestModels::small)) {
      List<String> tls = List.of("-cacert", authority.caFile().toString());

      Result answered = run(tls, "localhost:" + secured.port(), List.of("-H", "authorization: Bearer " + token),
          "churnwire.v1.ChurnService/GetModelMetadata");
      Result refused = run(tls, "localhost:" + secured.port(), List.of(), "churnwire.v1.ChurnService/GetModelMetadata");

      assertEquals(0, answered.exitCode, answered::describe);
      assertTrue(answered.stdout.contains("\"model\": {"), answered::describe);
      assertTrue(refused.exitCode != 0, refused::describe);
      assertTrue(refused.stderr.contains("a valid bearer token is required"), refused::describe);
    }
  }

  /** Runs {@code grpcurl -plaintext [flags] <public port> [command...]}, as a user types it. */
  private Result grpcurl(List<String> flags, String... command) throws IOException, InterruptedException {
    return grpcurl(application.port(), flags, command);
  }

  /** Runs {@code grpcurl -plaintext [flags] 127.0.0.1:<port> [command...]}. */
  private Result grpcurl(int port, List<String> flags, String... command) throws IOException, InterruptedException {
    return run(List.of("-plaintext"), "127.0.0.1:" + port, flags, command);
  }

  /** Runs {@code grpcurl <transport flags> -max-time 30 [flags] <target> [command...]}. */
  private Result run(List<String> transport, String target, List<String> flags, String... command)
      throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(grpcurlBinary.toString()));
    line.addAll(transport);
    line.addAll(List.of("-max-time", "30"));
    line.addAll(flags);
    line.add(target);
    line.addAll(List.of(command));
    Path stdout = Files.createTempFile("grpcurl", ".out");
    Path stderr = Files.createTempFile("grpcurl", ".err");
    try {
      Process process = new ProcessBuilder(line)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("grpcurl did not finish within 60 s: " + line);
      }
      return new Result(line, process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  /** {@code $GRPCURL}, else {@code .tools/bin/grpcurl} of the checkout this module sits in. */
  private static Path locateGrpcurl() {
    String override = System.getenv("GRPCURL");
    if (override != null && !override.isBlank()) {
      Path binary = Path.of(override);
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException("$GRPCURL=" + override + " is not an executable");
      }
      return binary;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path binary = dir.resolve(".tools/bin/grpcurl");
      if (Files.isExecutable(binary)) {
        return binary;
      }
    }
    throw new IllegalStateException("grpcurl not found in .tools/bin of this checkout; run "
        + "scripts/install-tools.sh (it installs grpcurl with go install) or set $GRPCURL to the binary");
  }

  private record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return String.join(" ", command) + "\nexit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }
}
