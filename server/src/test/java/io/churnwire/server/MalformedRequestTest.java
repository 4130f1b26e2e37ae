package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.churnwire.history.HistoryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that do not decode, sent as raw bytes over real Netty: every service answers them
 * {@code INVALID_ARGUMENT} naming the field where it can, and goes on serving.
 */
class MalformedRequestTest {
  private static final String PREDICT = "churnwire.v1.ChurnService/Predict";
  private static final String PREDICT_BATCH = "churnwire.v1.ChurnService/PredictBatch";
  private static final List<Map.Entry<String, MethodType>> EVERY_SERVICE = List.of(
      Map.entry(PREDICT, MethodType.UNARY),
      Map.entry("churnwire.v1.ChurnService/BatchPredict", MethodType.UNARY),
      Map.entry("churnwire.v1.ChurnService/GetModelMetadata", MethodType.UNARY),
      Map.entry("churnwire.v1.ModelAdminService/ReloadModel", MethodType.UNARY),
      Map.entry("churnwire.v1.ModelAdminService/GetModelStatus", MethodType.UNARY),
      Map.entry("grpc.health.v1.Health/Check", MethodType.UNARY),
      Map.entry("grpc.health.v1.Health/Watch", MethodType.SERVER_STREAMING),
      Map.entry("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING),
      Map.entry("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING));

  private static ServerApplication application;
  private static ManagedChannel channel;
  private static ManagedChannel adminChannel;

  @BeforeAll
  static void start() throws Exception {
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0).withModelDir(Path.of("unused"));
    application = ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    adminChannel = NettyChannelBuilder.forAddress("127.0.0.1", application.adminPort()).usePlaintext().build();
  }

  /** The port serving {@code method}: {@code ModelAdminService} is on the admin port only. */
  private static ManagedChannel channelFor(String method) {
    return method.startsWith("churnwire.v1.ModelAdminService/") ? adminChannel : channel;
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    application.close();
  }

  @Test
  void protobuf_proto3StringWithInvalidUtf8_failsToParseTheWholeMessage() {
    byte[] bytes = Wire.withBytesField(Customers.loyal().toBuilder().clearCustomerId().build().toByteArray(),
        PredictRequest.CUSTOMER_ID_FIELD_NUMBER, Wire.INVALID_UTF8);

    InvalidProtocolBufferException error =
        assertThrows(InvalidProtocolBufferException.class, () -> PredictRequest.parseFrom(bytes));

    assertTrue(error.getMessage().contains("UTF-8"), error.getMessage());
  }

  @Test
  void predict_invalidUtf8InCustomerId_isInvalidArgumentNamingTheField() {
    byte[] bytes = Wire.withBytesField(Customers.loyal().toBuilder().clearCustomerId().build().toByteArray(),
        PredictRequest.CUSTOMER_ID_FIELD_NUMBER, Wire.INVALID_UTF8);

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> unary(PREDICT, bytes));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    assertEquals(Map.of("customer_id", "is not valid UTF-8"), Errors.violations(error));
    assertTrue(error.getStatus().getDescription().contains("churnwire.v1.PredictRequest"),
        error.getStatus().getDescription());
  }

  @Test
  void predict_truncatedMessage_isInvalidArgumentNamingWhereItBroke() {
    byte[] whole = Customers.loyal().toByteArray();

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> unary(PREDICT, Wire.truncated(whole, 5)));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    Map<String, String> violations = Errors.violations(error);
    assertEquals(java.util.Set.of("customer_id"), violations.keySet());
    assertTrue(violations.get("customer_id").startsWith("cannot be decoded: ")
        && violations.get("customer_id").contains("truncated"), violations::toString);
    assertEquals("MALFORMED_REQUEST", errorInfo(error).getReason());
  }

  @Test
  void predict_messageAboveTheInboundLimit_isResourceExhaustedWithoutAStackTraceInTheLog() {
    List<LogRecord> published = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (published) {
          published.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger transport = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
    transport.addHandler(capture);
    try {
      byte[] huge = Wire.withBytesField(Customers.loyal().toByteArray(), PredictRequest.CUSTOMER_ID_FIELD_NUMBER,
          new byte[5 * 1024 * 1024]);

      StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> unary(PREDICT, huge));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode(), error.getStatus().toString());
      assertTrue(ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky()).hasPrediction());
      synchronized (published) {
        assertEquals(List.of(), published.stream().filter(record -> record.getThrown() != null).toList());
      }
    } finally {
      transport.removeHandler(capture);
    }
  }

  @Test
  void everyService_randomBytes_isInvalidArgumentAndNeverUnknown() {
    byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02};

    for (Map.Entry<String, MethodType> method : EVERY_SERVICE) {
      Status status = call(method.getKey(), method.getValue(), garbage);

      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), method.getKey() + ": " + status);
    }
    assertTrue(ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky()).hasPrediction());
  }

  @Test
  void everyService_invalidUtf8InItsFirstStringField_isInvalidArgumentNamingIt() {
    Map<String, String> firstStringField = Map.of(
        "churnwire.v1.ModelAdminService/ReloadModel", "expected_version",
        "grpc.health.v1.Health/Check", "service",
        "grpc.health.v1.Health/Watch", "service",
        "grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "host",
        "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "host");
    byte[] bytes = Wire.withBytesField(new byte[0], 1, Wire.INVALID_UTF8);

    for (Map.Entry<String, MethodType> method : EVERY_SERVICE) {
      if (!firstStringField.containsKey(method.getKey())) {
        continue;
      }
      Status status = call(method.getKey(), method.getValue(), bytes);

      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), method.getKey() + ": " + status);
      assertTrue(status.getDescription().contains(firstStringField.get(method.getKey()) + " is not valid UTF-8"),
          method.getKey() + ": " + status.getDescription());
    }
  }

  @Test
  void predictBatch_undecodableItems_areAnsweredInTurnAndTheStreamGoesOn() throws Exception {
    byte[] badCustomer = Wire.withBytesField(Customers.loyal().toBuilder().clearCustomerId().build().toByteArray(),
        PredictRequest.CUSTOMER_ID_FIELD_NUMBER, Wire.INVALID_UTF8);
    byte[] salvageable = Wire.withBytesField(
        PredictBatchRequest.newBuilder().setItemId("bad-customer").build().toByteArray(),
        PredictBatchRequest.REQUEST_FIELD_NUMBER, badCustomer);
    byte[] badItemId = Wire.withBytesField(
        PredictBatchRequest.newBuilder().setRequest(Customers.loyal()).build().toByteArray(),
        PredictBatchRequest.ITEM_ID_FIELD_NUMBER, Wire.INVALID_UTF8);
    List<byte[]> items = List.of(
        item("first"), salvageable, badItemId, new byte[] {(byte) 0xFF, (byte) 0xFF}, item("last"));

    List<PredictBatchResponse> answers = new ArrayList<>();
    Status end = stream(PREDICT_BATCH, items, answers);

    assertEquals(Status.Code.OK, end.getCode(), end.toString());
    assertEquals(5, answers.size());
    Map<String, PredictBatchResponse> byId = new java.util.HashMap<>();
    answers.forEach(answer -> byId.merge(answer.getItemId(), answer, (a, b) -> a));
    assertTrue(byId.get("first").hasResponse());
    assertTrue(byId.get("last").hasResponse());
    PredictBatchResponse salvaged = byId.get("bad-customer");
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), salvaged.getError().getCode());
    assertEquals(Map.of("request.customer_id", "is not valid UTF-8"), Errors.violations(salvaged.getError()));
    List<PredictBatchResponse> anonymous = answers.stream().filter(answer -> answer.getItemId().isEmpty()).toList();
    assertEquals(2, anonymous.size());
    assertTrue(anonymous.stream().allMatch(answer -> answer.getError().getCode() == Status.Code.INVALID_ARGUMENT.value()));
    assertTrue(anonymous.stream().anyMatch(answer -> Map.of("item_id", "is not valid UTF-8")
        .equals(Errors.violations(answer.getError()))));
  }

  @Test
  void everyService_thousandsOfFuzzedMessages_neverAnswerUnknownOrInternal() {
    Random random = new Random(20_000);
    byte[] valid = PredictBatchRequest.newBuilder().setItemId("fuzz").setRequest(Customers.risky()).build()
        .toByteArray();
    Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);

    for (int i = 0; i < 2_000; i++) {
      Map.Entry<String, MethodType> method = EVERY_SERVICE.get(random.nextInt(EVERY_SERVICE.size()));
      if (method.getValue() == MethodType.SERVER_STREAMING) {
        continue;
      }
      byte[] message = mutate(valid, random);
      Status status = call(method.getKey(), method.getValue(), message);
      codes.merge(status.getCode(), 1, Integer::sum);
      assertNotEquals(Status.Code.UNKNOWN, status.getCode(), method.getKey() + ": " + status);
      assertNotEquals(Status.Code.INTERNAL, status.getCode(), method.getKey() + ": " + status);
    }

    assertTrue(codes.getOrDefault(Status.Code.INVALID_ARGUMENT, 0) > 0, codes::toString);
    assertTrue(ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky()).hasPrediction());
  }

  private static byte[] item(String id) {
    return PredictBatchRequest.newBuilder().setItemId(id).setRequest(Customers.risky()).build().toByteArray();
  }

  /** Random bytes, a cut, or flipped bytes of a valid message. */
  private static byte[] mutate(byte[] valid, Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> {
        byte[] noise = new byte[1 + random.nextInt(64)];
        random.nextBytes(noise);
        yield noise;
      }
      case 1 -> Wire.truncated(valid, 1 + random.nextInt(valid.length - 1));
      default -> {
        byte[] flipped = valid.clone();
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
        }
        yield flipped;
      }
    };
  }

  private static byte[] unary(String method, byte[] request) {
    return ClientCalls.blockingUnaryCall(channelFor(method), Wire.method(method, MethodType.UNARY),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  /** Sends one message to {@code method} and returns how the call ended. */
  private static Status call(String method, MethodType type, byte[] request) {
    if (type == MethodType.UNARY) {
      try {
        unary(method, request);
        return Status.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus();
      }
    }
    return stream(method, type, List.of(request), new ArrayList<>(), bytes -> bytes);
  }

  private static Status stream(String method, List<byte[]> requests, List<PredictBatchResponse> answers) {
    return stream(method, MethodType.BIDI_STREAMING, requests, answers, bytes -> {
      try {
        return PredictBatchResponse.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    });
  }

  /** Sends {@code requests}, half-closes, collects answers until the call ends, and returns its status. */
  private static <T> Status stream(String method, MethodType type, List<byte[]> requests, List<T> answers,
      java.util.function.Function<byte[], T> parse) {
    MethodDescriptor<byte[], byte[]> descriptor = Wire.method(method, type);
    ClientCall<byte[], byte[]> call = channelFor(method).newCall(descriptor,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    CompletableFuture<Status> end = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        synchronized (answers) {
          answers.add(parse.apply(message));
        }
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        end.complete(status);
      }
    }, new Metadata());
    call.request(1);
    requests.forEach(call::sendMessage);
    call.halfClose();
    return end.join();
  }

  private static ErrorInfo errorInfo(StatusRuntimeException error) {
    return StatusProto.fromThrowable(error).getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class)).findFirst()
        .map(any -> {
          try {
            return any.unpack(ErrorInfo.class);
          } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        }).orElseThrow();
  }
}
