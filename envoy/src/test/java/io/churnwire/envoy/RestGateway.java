package io.churnwire.envoy;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The REST surface as a user meets it: a real Churnwire server on Netty (with its real model
 * bootstrap) behind a real Envoy, plus an HTTP client for the REST side and a gRPC stub straight
 * to the server for comparing answers. One per test class; close it in {@code @AfterAll}.
 */
final class RestGateway implements AutoCloseable {
  /** The detail types the server packs into errors, for reading them back from JSON. */
  static final TypeRegistry DETAIL_TYPES = TypeRegistry.newBuilder()
      .add(BadRequest.getDescriptor())
      .add(RetryInfo.getDescriptor())
      .add(ErrorInfo.getDescriptor())
      .build();

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  final ServerApplication server;
  final EnvoyProcess envoy;
  private final ManagedChannel channel;
  private final HttpClient http;
  private final Path workDir;

  private RestGateway(ServerApplication server, EnvoyProcess envoy, ManagedChannel channel, Path workDir) {
    this.server = server;
    this.envoy = envoy;
    this.channel = channel;
    this.workDir = workDir;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * Starts a server on a free loopback port with {@code configure} applied to the test defaults,
   * then Envoy in front of it (its console routes on the server's metrics port, when that is on).
   * The server records its predictions in an embedded store of its own, a DuckDB file in the
   * gateway's temporary directory.
   */
  static RestGateway start(UnaryOperator<ServerConfig> configure) throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("churnwire-envoy-it");
    ServerConfig config = configure.apply(ServerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withModelDir(io.churnwire.testsupport.DemoRegistry.shared())
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + workDir.resolve("history.duckdb"))));
    ServerApplication server = ServerApplication.start(config);
    try {
      List<String> httpUpstream = server.metricsPort() > 0
          ? List.of("--http-upstream=127.0.0.1:" + server.metricsPort())
          : List.of();
      EnvoyProcess envoy = EnvoyProcess.start(server.port(), workDir, httpUpstream, true);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      return new RestGateway(server, envoy, channel, workDir);
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      deleteTree(workDir);
      throw e;
    }
  }

  /** A blocking gRPC stub straight to the server, bypassing Envoy. */
  ChurnServiceGrpc.ChurnServiceBlockingStub grpc() {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A blocking {@code ChurnInsightsService} stub straight to the server, bypassing Envoy. */
  ChurnInsightsServiceGrpc.ChurnInsightsServiceBlockingStub insights() {
    return ChurnInsightsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A blocking {@code ChurnMonitoringService} stub straight to the server, bypassing Envoy. */
  ChurnMonitoringServiceGrpc.ChurnMonitoringServiceBlockingStub monitoring() {
    return ChurnMonitoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(envoy.rest(pathAndQuery)).GET());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(envoy.rest(path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A REST body read back into the proto it encodes; unknown fields fail the parse. */
  static <T extends Message> T parse(String json, Message.Builder builder, Class<T> type) {
    try {
      JsonFormat.parser().usingTypeRegistry(DETAIL_TYPES).merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a " + type.getSimpleName() + ": " + json, e);
    }
    return type.cast(builder.build());
  }

  /** The {@code google.rpc.Status} an error answer carries. */
  static Status status(HttpResponse<String> response) {
    return parse(response.body(), Status.newBuilder(), Status.class);
  }

  /** The field violations of the {@code google.rpc.BadRequest} in {@code status}'s details, in order. */
  static List<BadRequest.FieldViolation> fieldViolations(Status status) {
    return status.getDetailsList().stream()
        .filter(detail -> detail.is(BadRequest.class))
        .flatMap(detail -> {
          try {
            return detail.unpack(BadRequest.class).getFieldViolationsList().stream();
          } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        })
        .toList();
  }

  /** The fields {@link #fieldViolations} names, in order. */
  static List<String> violatedFields(Status status) {
    return fieldViolations(status).stream().map(BadRequest.FieldViolation::getField).toList();
  }

  /** Recording is asynchronous: waits until the store holds {@code count} predictions. */
  void awaitRecorded(long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long recorded = -1;
    while (System.nanoTime() < deadline) {
      recorded = insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance())
          .getOverall().getPredictionCount();
      if (recorded == count) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the store holds " + recorded + " predictions, expected " + count);
  }

  /** Renders a message as JSON the way a REST client writes it: proto field names. */
  static String json(Message message) {
    try {
      return JsonFormat.printer().preservingProtoFieldNames().print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Every set field of {@code message} as a flat query parameter, enums by name. */
  static String query(Message message) {
    StringJoiner query = new StringJoiner("&", "?", "");
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      Object value = field.getValue();
      String text = value instanceof EnumValueDescriptor e ? e.getName() : value.toString();
      query.add(field.getKey().getName() + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
    }
    return query.toString();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      envoy.close();
    } finally {
      server.close();
      deleteTree(workDir);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
