package io.churnwire.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.Contract;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.RiskBand;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NoopChurnServiceTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NoopChurnService.start("127.0.0.1", 0);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void predictIsAnsweredWithAConsistentPredictionEchoingTheIds() {
    PredictResponse response = ChurnServiceGrpc.newBlockingStub(channel).predict(PredictRequest.newBuilder()
        .setRequestId("r-1").setCustomerId("7590-VHVEG").setContract(Contract.CONTRACT_MONTH_TO_MONTH)
        .setTenureInMonths(3).build());

    assertEquals("r-1", response.getRequestId());
    assertEquals("7590-VHVEG", response.getCustomerId());
    var prediction = response.getPrediction();
    assertEquals(NoopChurnService.MODEL_VERSION, prediction.getModelVersion());
    assertTrue(prediction.getChurnProbability() >= 0 && prediction.getChurnProbability() <= 1);
    assertEquals(prediction.getChurnProbability() >= prediction.getDecisionThreshold(), prediction.getWillChurn());
    assertEquals(RiskBand.RISK_BAND_LOW, prediction.getRiskBand());
    assertTrue(prediction.getChurnProbability() < prediction.getDecisionThreshold() / 2);
  }

  @Test
  void requestWithoutIdStillGetsOne() {
    PredictResponse response = ChurnServiceGrpc.newBlockingStub(channel)
        .predict(PredictRequest.newBuilder().setCustomerId("c").build());

    assertFalse(response.getRequestId().isEmpty());
  }

  @Test
  void reportsServingForTheChurnServiceAsEnvoysHealthCheckAsks() {
    var health = HealthGrpc.newBlockingStub(channel);

    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(ChurnServiceGrpc.SERVICE_NAME).build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }
}
