package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.GetModelStatusRequest;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AccessLogTest {
  private static final String PREDICT = "churnwire.v1.ChurnService/Predict";

  private JsonLogs logs;
  private InProcessChurnwire churnwire;
  private final AtomicReference<Metadata> headers = new AtomicReference<>();
  private final AtomicReference<Metadata> trailers = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    logs = JsonLogs.capture();
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      churnwire.close();
    } finally {
      logs.close();
    }
  }

  @Test
  void predict_withRequestIdHeader_answersAndLogsUnderTheHeadersId() {
    PredictResponse response = stub("abc").predict(Customers.risky().toBuilder().setRequestId("body-id").build());

    assertEquals("abc", response.getRequestId());
    assertEquals("abc", headers.get().get(RequestIds.HEADER));
    JsonNode line = onlyAccessLine();
    assertEquals("abc", line.path("request_id").asString());
    assertEquals(PREDICT, line.path("grpc_method").asString());
    assertEquals("OK", line.path("grpc_status").asString());
    assertEquals(TestModels.small().metadata().version(), line.path("model_version").asString());
    assertTrue(line.path("duration_ms").asDouble() >= 0, line.toString());
    assertEquals("INFO", line.path("level").asString());
    assertTrue(line.path("message").asString().contains(PREDICT + " OK"), line.toString());
  }

  @Test
  void predict_withoutHeader_usesTheRequestsOwnId() {
    PredictResponse response = stub(null).predict(Customers.readmeExample());

    assertEquals("readme-example", response.getRequestId());
    assertEquals("readme-example", headers.get().get(RequestIds.HEADER));
    assertEquals("readme-example", onlyAccessLine().path("request_id").asString());
  }

  @Test
  void predict_withNeitherId_isAssignedOneUuidEverywhere() {
    PredictResponse response = stub(null).predict(Customers.risky());

    String id = response.getRequestId();
    assertEquals(id, UUID.fromString(id).toString());
    assertEquals(id, headers.get().get(RequestIds.HEADER));
    assertEquals(id, onlyAccessLine().path("request_id").asString());
  }

  @Test
  void predict_withAnUnacceptableHeader_isAssignedAnIdAndTheHeaderIsNeverLogged() {
    String tooLong = "x".repeat(RequestIds.MAX_LENGTH + 1);

    PredictResponse response = stub(tooLong).predict(Customers.readmeExample());

    assertEquals("readme-example", response.getRequestId());
    assertFalse(logs.text().contains(tooLong), logs.text());
  }

  @Test
  void refusedPredict_logsItsStatus_andAnswersTheIdInTheTrailers() {
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub("bad-1").predict(Customers.invalid()));

    assertEquals("bad-1", refused.getTrailers().get(RequestIds.HEADER));
    JsonNode line = onlyAccessLine();
    assertEquals("INVALID_ARGUMENT", line.path("grpc_status").asString());
    assertEquals("bad-1", line.path("request_id").asString());
    assertTrue(line.path("model_version").isMissingNode(), line.toString());
  }

  @Test
  void batchPredict_logsTheCallsIdAndModel_whileItemsKeepTheirOwnIds() {
    BatchPredictRequest batch = BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId("a")
            .setRequest(Customers.risky().toBuilder().setRequestId("item-a")))
        .build();

    String itemId = stub("batch-1").batchPredict(batch).getResults(0).getResponse().getRequestId();

    assertEquals("item-a", itemId);
    JsonNode line = onlyAccessLine();
    assertEquals("churnwire.v1.ChurnService/BatchPredict", line.path("grpc_method").asString());
    assertEquals("batch-1", line.path("request_id").asString());
    assertEquals(TestModels.small().metadata().version(), line.path("model_version").asString());
  }

  @Test
  void successfulHealthChecks_areNotLogged() {
    HealthGrpc.newBlockingStub(churnwire.channel).check(HealthCheckRequest.getDefaultInstance());

    assertEquals(List.of(), logs.accessLines());
  }

  @Test
  void noLine_carriesTheCustomersFeaturesOrId() {
    PredictRequest customer = Customers.risky().toBuilder().setTotalRevenue(4321.75).build();
    stub("features-1").predict(customer);
    assertThrows(StatusRuntimeException.class,
        () -> stub("features-2").predict(customer.toBuilder().clearContract().build()));

    assertEquals(2, logs.accessLines().size(), logs.text());
    assertFalse(logs.text().contains("4321"), logs.text());
    assertFalse(logs.text().contains(customer.getCustomerId()), logs.text());
  }

  @Test
  void accessLogOff_writesNoLine_butStillAnswersTheId() throws Exception {
    churnwire.close();
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withAccessLog(false));

    assertEquals("quiet-1", stub("quiet-1").predict(Customers.risky()).getRequestId());

    assertEquals("quiet-1", headers.get().get(RequestIds.HEADER));
    assertEquals(List.of(), logs.accessLines());
  }

  @Test
  void undecodableRequest_isLoggedWithItsStatus() {
    byte[] truncated = Wire.truncated(Customers.risky().toByteArray(), 5);

    assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        churnwire.channel.newCall(Wire.method(PREDICT, MethodDescriptor.MethodType.UNARY),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), truncated));

    JsonNode line = onlyAccessLine();
    assertEquals(PREDICT, line.path("grpc_method").asString());
    assertEquals("INVALID_ARGUMENT", line.path("grpc_status").asString());
  }

  @Test
  void callRefusedForItsToken_isLoggedWithItsStatusAndHeaderId(@TempDir Path dir) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "sha256:" + AuthTokensTest.sha256("t") + " predict\n");
    churnwire.close();
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config().withAuthTokens(tokens, 60));

    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub("anonymous-1").predict(Customers.risky()));

    assertEquals("anonymous-1", refused.getTrailers().get(RequestIds.HEADER));
    JsonNode line = onlyAccessLine();
    assertEquals("UNAUTHENTICATED", line.path("grpc_status").asString());
    assertEquals("anonymous-1", line.path("request_id").asString());
  }

  @Test
  void adminCalls_areLoggedToo() {
    ModelAdminServiceGrpc.newBlockingStub(churnwire.adminChannel).getModelStatus(
        GetModelStatusRequest.getDefaultInstance());

    assertEquals("churnwire.v1.ModelAdminService/GetModelStatus", onlyAccessLine().path("grpc_method").asString());
  }

  private JsonNode onlyAccessLine() {
    List<JsonNode> lines = logs.accessLines();
    assertEquals(1, lines.size(), logs.text());
    return lines.get(0);
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub stub(String requestId) {
    Metadata sent = new Metadata();
    if (requestId != null) {
      sent.put(RequestIds.HEADER, requestId);
    }
    return churnwire.blocking().withInterceptors(
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers),
        MetadataUtils.newAttachHeadersInterceptor(sent));
  }
}
