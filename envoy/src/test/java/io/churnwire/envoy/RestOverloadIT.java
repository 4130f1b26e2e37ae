package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.churnwire.server.ScoringExecutor;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.PredictBatchRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server with one scoring slot behind Envoy: when the slot is taken, REST clients get 429 with
 * the server's retry hint, not a 503, and are served again as soon as it frees.
 */
class RestOverloadIT {
  private static RestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RestGateway.start(config -> config.withScoringCapacity(1, 1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void predictAndBatch_whenScoringCapacityIsExhausted_are429WithRetryInfo_thenServedAgain() throws Exception {
    ScoringExecutor executor = gateway.server.executor();
    String customer = json(Customers.readmeExample());
    String batch = json(BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId("only").setRequest(Customers.readmeExample()))
        .build());
    HttpResponse<String> predictOverloaded;
    HttpResponse<String> batchOverloaded;
    assertTrue(executor.tryAdmit(), "the test occupies the only scoring slot");
    try {
      predictOverloaded = gateway.post("/v1/customers:predict", customer);
      batchOverloaded = gateway.post("/v1/customers:batchPredict", batch);
    } finally {
      executor.release();
    }

    HttpResponse<String> predictAfter = gateway.post("/v1/customers:predict", customer);
    HttpResponse<String> batchAfter = gateway.post("/v1/customers:batchPredict", batch);

    assertEquals(429, predictOverloaded.statusCode(), predictOverloaded::body);
    assertEquals(429, batchOverloaded.statusCode(), batchOverloaded::body);
    Status status = status(predictOverloaded);
    assertEquals(Code.RESOURCE_EXHAUSTED_VALUE, status.getCode());
    assertEquals(100_000_000, detail(status, RetryInfo.class).getRetryDelay().getNanos());
    assertEquals("SCORING_CAPACITY_EXHAUSTED", detail(status, ErrorInfo.class).getReason());
    assertEquals(200, predictAfter.statusCode(), predictAfter::body);
    assertEquals(200, batchAfter.statusCode(), batchAfter::body);
  }

  private static <T extends Message> T detail(Status status, Class<T> type) {
    Any any = status.getDetailsList().stream().filter(detail -> detail.is(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
