package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import io.churnwire.history.HistoryConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.PostgresServer;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetChurnOverTimeResponse;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetPredictionStatsResponse;
import io.churnwire.v1.GetRiskDistributionRequest;
import io.churnwire.v1.GetRiskDistributionResponse;
import io.churnwire.v1.ListCustomerPredictionsRequest;
import io.churnwire.v1.ListCustomerPredictionsResponse;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.ListPredictionsResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictionInterface;
import io.churnwire.v1.PredictionMethod;
import io.churnwire.v1.PredictionRecord;
import io.churnwire.v1.RiskBand;
import io.churnwire.v1.TimeGranularity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every prediction, from every method and interface, lands in the history with its features, and
 * {@code ChurnInsightsService} answers about it; on a real Netty server, with the embedded store
 * and with a real PostgreSQL server.
 */
class PredictionHistoryTest {
  private static PostgresServer postgres;
  private static int databases;

  @TempDir Path historyDir;
  private ServerApplication application;
  private ManagedChannel channel;

  /** The two stores every behaviour is checked on. */
  enum Store {
    EMBEDDED,
    POSTGRESQL
  }

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private void start(HistoryConfig history) throws Exception {
    application = ServerApplication.startOnNetty(InProcessChurnwire.config().withHistory(history), TestModels::small);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
  }

  private HistoryConfig embedded() {
    return HistoryConfig.defaults().withUrl("jdbc:duckdb:" + historyDir.resolve("predictions.duckdb"));
  }

  /** A fresh history on {@code store}. */
  private HistoryConfig fresh(Store store) throws Exception {
    return switch (store) {
      case EMBEDDED -> embedded();
      case POSTGRESQL -> HistoryConfig.defaults().withUrl(postgres.createDatabase("history_" + ++databases))
          .withCredentials(postgres.user(), "unused");
    };
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub churn(String via) {
    ChurnServiceGrpc.ChurnServiceBlockingStub stub = ChurnServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
    return via == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(via(via)));
  }

  private ChurnInsightsServiceGrpc.ChurnInsightsServiceBlockingStub insights() {
    return ChurnInsightsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static Metadata via(String channelName) {
    Metadata headers = new Metadata();
    headers.put(PredictionOrigin.INTERFACE_HEADER, channelName);
    return headers;
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void everyMethodAndInterface_isRecordedWithTheFeaturesAsSent(Store store) throws Exception {
    HistoryConfig history = fresh(store);
    start(history);
    PredictRequest risky = Customers.risky().toBuilder().setCustomerId("cust-risky").setRequestId("req-1").build();
    churn(null).predict(risky);
    churn("rest").predict(Customers.loyal().toBuilder().setCustomerId("cust-loyal").build());
    churn(null).batchPredict(BatchPredictRequest.newBuilder()
        .addItems(Customers.item("b1", Customers.risky().toBuilder().setCustomerId("cust-b1").build()))
        .addItems(Customers.item("b2", Customers.invalid()))
        .addItems(Customers.item("b3", Customers.loyal().toBuilder().setCustomerId("cust-b3").build()))
        .build());
    stream(List.of(Customers.item("s1", Customers.risky().toBuilder().setCustomerId("cust-s1").build()),
        Customers.item("s2", Customers.loyal().toBuilder().setCustomerId("cust-s2").build())));

    List<PredictionRecord> recorded = awaitRecorded(6);

    Map<String, PredictionRecord> byCustomer =
        recorded.stream().collect(Collectors.toMap(PredictionRecord::getCustomerId, Function.identity()));
    assertEquals(Set.of("cust-risky", "cust-loyal", "cust-b1", "cust-b3", "cust-s1", "cust-s2"), byCustomer.keySet(),
        "every valid prediction recorded once, the invalid item not at all");
    PredictionRecord first = byCustomer.get("cust-risky");
    assertEquals("req-1", first.getRequestId());
    assertEquals(PredictionInterface.PREDICTION_INTERFACE_GRPC, first.getInterface());
    assertEquals(PredictionMethod.PREDICTION_METHOD_PREDICT, first.getMethod());
    assertEquals(risky.getTenureInMonths(), first.getFeatures().getTenureInMonths());
    assertEquals(risky.getTotalRevenue(), first.getFeatures().getTotalRevenue());
    assertEquals(risky.getContract(), first.getFeatures().getContract());
    assertEquals(risky.getPaymentMethod(), first.getFeatures().getPaymentMethod());
    assertEquals(risky.getSatisfactionScore(), first.getFeatures().getSatisfactionScore());
    assertEquals(application.models().current().orElseThrow().version(), first.getModelVersion());
    assertEquals(PredictionInterface.PREDICTION_INTERFACE_REST, byCustomer.get("cust-loyal").getInterface());
    assertEquals(PredictionMethod.PREDICTION_METHOD_BATCH_PREDICT, byCustomer.get("cust-b3").getMethod());
    assertEquals(PredictionInterface.PREDICTION_INTERFACE_KAFKA, byCustomer.get("cust-s1").getInterface());
    assertEquals(PredictionMethod.PREDICTION_METHOD_PREDICT_BATCH, byCustomer.get("cust-s2").getMethod());
    assertTrue(first.getChurnProbability() > byCustomer.get("cust-loyal").getChurnProbability());
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void theFiveCalls_answerAboutWhatWasRecorded(Store store) throws Exception {
    HistoryConfig history = fresh(store);
    start(history);
    List<PredictRequest> customers = Customers.varied(40);
    for (PredictRequest customer : customers) {
      churn(null).predict(customer.toBuilder().setCustomerId("same-customer").build());
    }
    churn(null).predict(Customers.risky().toBuilder().setCustomerId("other").build());
    List<PredictionRecord> recorded = awaitRecorded(41);

    GetPredictionStatsResponse stats = insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance());
    assertEquals(41, stats.getOverall().getPredictionCount());
    long churners = recorded.stream().filter(PredictionRecord::getWillChurn).count();
    assertEquals(churners, stats.getOverall().getPredictedChurnCount());
    assertEquals((double) churners / 41, stats.getOverall().getPredictedChurnRate(), 1e-12);
    assertEquals(recorded.stream().mapToDouble(PredictionRecord::getChurnProbability).average().orElseThrow(),
        stats.getOverall().getMeanChurnProbability(), 1e-9);
    assertEquals(41, stats.getRiskBandsList().stream().mapToLong(band -> band.getSummary().getPredictionCount()).sum());
    assertEquals(1, stats.getModelVersionsCount());
    assertEquals(41, stats.getModelVersions(0).getSummary().getPredictionCount());

    Set<String> seen = new HashSet<>();
    String token = "";
    int pages = 0;
    do {
      ListCustomerPredictionsResponse page = insights().listCustomerPredictions(ListCustomerPredictionsRequest
          .newBuilder().setCustomerId("same-customer").setPageSize(7).setPageToken(token).build());
      page.getPredictionsList().forEach(record -> assertTrue(seen.add(record.getRequestId()), "no duplicates"));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(40, seen.size(), "paging walks the customer's whole history");
    assertEquals(6, pages);

    GetRiskDistributionResponse histogram =
        insights().getRiskDistribution(GetRiskDistributionRequest.newBuilder().setBucketCount(5).build());
    assertEquals(5, histogram.getBucketsCount());
    assertEquals(41, histogram.getPredictionCount());
    assertEquals(41, histogram.getBucketsList().stream().mapToLong(b -> b.getPredictionCount()).sum());
    assertEquals(0.8, histogram.getBuckets(4).getLowerBound(), 1e-12);

    GetChurnOverTimeResponse hourly = insights().getChurnOverTime(
        GetChurnOverTimeRequest.newBuilder().setGranularity(TimeGranularity.TIME_GRANULARITY_HOUR).build());
    assertEquals(TimeGranularity.TIME_GRANULARITY_HOUR, hourly.getGranularity());
    assertEquals(41, hourly.getBucketsList().stream().mapToLong(b -> b.getSummary().getPredictionCount()).sum());
    assertEquals(churners, hourly.getBucketsList().stream()
        .mapToLong(b -> b.getSummary().getPredictedChurnCount()).sum());

    ListPredictionsResponse high = insights().listPredictions(
        ListPredictionsRequest.newBuilder().setRiskBand(RiskBand.RISK_BAND_HIGH).setPageSize(1_000).build());
    assertEquals(recorded.stream().filter(r -> r.getRiskBand() == RiskBand.RISK_BAND_HIGH).count(),
        high.getPredictionsCount());
    assertTrue(high.getPredictionsList().stream().allMatch(r -> r.getRiskBand() == RiskBand.RISK_BAND_HIGH));
  }

  @Test
  void badInsightsRequests_areInvalidArgumentNamingTheField() throws Exception {
    start(embedded());
    assertEquals(List.of("page_size"), violations(() -> insights().listPredictions(
        ListPredictionsRequest.newBuilder().setPageSize(100_000).build())));
    assertEquals(List.of("page_token"), violations(() -> insights().listPredictions(
        ListPredictionsRequest.newBuilder().setPageToken("garbage").build())));
    assertEquals(List.of("end_time"), violations(() -> insights().getPredictionStats(
        GetPredictionStatsRequest.newBuilder().setStartTime(HistoryProtos.timestamp(java.time.Instant.now()))
            .setEndTime(HistoryProtos.timestamp(java.time.Instant.now().minusSeconds(60))).build())));
    assertEquals(List.of("bucket_count"), violations(() -> insights().getRiskDistribution(
        GetRiskDistributionRequest.newBuilder().setBucketCount(1_000).build())));
    assertEquals(List.of("granularity"), violations(() -> insights().getChurnOverTime(
        GetChurnOverTimeRequest.newBuilder().setGranularity(TimeGranularity.TIME_GRANULARITY_HOUR)
            .setStartTime(HistoryProtos.timestamp(java.time.Instant.parse("2000-01-01T00:00:00Z"))).build())));
    assertEquals(ServingStatus.SERVING, health(ServiceNames.INSIGHTS_SERVICE));
  }

  @Test
  void historyOff_insightsAreFailedPrecondition_andNotServing_whilePredictionServes() throws Exception {
    start(HistoryConfig.off());
    churn(null).predict(Customers.risky());

    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance()));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("--history=off"), refused.getStatus().getDescription());
    assertEquals(ServingStatus.NOT_SERVING, health(ServiceNames.INSIGHTS_SERVICE));
    assertEquals(ServingStatus.SERVING, health(ServiceNames.CHURN_SERVICE));
    assertEquals(ServingStatus.SERVING, health(""));
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aCleanStop_writesEveryQueuedPrediction(Store store) throws Exception {
    HistoryConfig history = fresh(store);
    start(history);
    for (int i = 0; i < 5; i++) {
      churn(null).batchPredict(BatchPredictRequest.newBuilder()
          .addAllItems(Customers.varied(200).stream().map(r -> Customers.item("i", r)).toList()).build());
    }
    application.close();
    application = null;

    start(history);
    assertEquals(1_000, insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance())
        .getOverall().getPredictionCount());
  }

  @Test
  void historyMetrics_countWhatWasWritten_andSayTheStoreIsUp() throws Exception {
    start(embedded());
    churn(null).batchPredict(BatchPredictRequest.newBuilder()
        .addAllItems(Customers.varied(25).stream().map(r -> Customers.item("m", r)).toList()).build());
    awaitRecorded(25);

    MetricsScrape scrape = MetricsScrape.of(application.metricsPort());
    assertEquals(25, scrape.value("churnwire_history_recorded_total", Map.of()));
    assertFalse(scrape.linesStartingWith("churnwire_history_dropped_total").isEmpty(), "a dropped series from the start");
    assertEquals(0, scrape.value("churnwire_history_dropped_total", Map.of()));
    assertEquals(1, scrape.value("churnwire_history_store_up", Map.of()));
    assertEquals(0, scrape.value("churnwire_history_queue_depth", Map.of()));
  }

  @Test
  void aStoreThatGoesDown_costsNoPrediction_andRecordingResumesWhenItIsBack() throws Exception {
    start(fresh(Store.POSTGRESQL));
    for (int i = 0; i < 10; i++) {
      churn(null).predict(Customers.risky());
    }
    awaitRecorded(10);
    assertEquals(ServingStatus.SERVING, health(ServiceNames.INSIGHTS_SERVICE));

    postgres.stop();
    for (int i = 0; i < 10; i++) {
      churn(null).predict(Customers.loyal());
    }
    awaitHealth(ServiceNames.INSIGHTS_SERVICE, ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.SERVING, health(ServiceNames.CHURN_SERVICE));
    assertEquals(ServingStatus.SERVING, health(""));
    StatusRuntimeException unavailable = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, unavailable.getStatus().getCode());

    postgres.restart();
    awaitHealth(ServiceNames.INSIGHTS_SERVICE, ServingStatus.SERVING);
    awaitRecorded(20);
  }

  private void awaitHealth(String service, ServingStatus expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (health(service) != expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(expected, health(service), service);
  }

  private ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private void stream(List<PredictBatchRequest> items) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    List<PredictBatchResponse> answers = new ArrayList<>();
    StreamObserver<PredictBatchRequest> requests = ChurnServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(via("kafka")))
        .predictBatch(new StreamObserver<>() {
          @Override
          public void onNext(PredictBatchResponse answer) {
            answers.add(answer);
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    items.forEach(requests::onNext);
    requests.onCompleted();
    assertTrue(done.await(20, TimeUnit.SECONDS));
    assertEquals(items.size(), answers.size());
    assertFalse(answers.stream().anyMatch(PredictBatchResponse::hasError));
  }

  /** Lists the history until it holds {@code count} predictions (recording is asynchronous). */
  private List<PredictionRecord> awaitRecorded(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<PredictionRecord> found = List.of();
    while (System.nanoTime() < deadline) {
      try {
        found = insights().listPredictions(ListPredictionsRequest.newBuilder().setPageSize(1_000).build())
            .getPredictionsList();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
      }
      if (found.size() >= count) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals(count, found.size(), "predictions recorded");
    return found;
  }

  private static List<String> violations(Runnable call) {
    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        call::run);
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    com.google.rpc.Status status = StatusProto.fromThrowable(refused);
    return status.getDetailsList().stream().filter(any -> any.is(BadRequest.class)).flatMap(any -> {
      try {
        return any.unpack(BadRequest.class).getFieldViolationsList().stream();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).map(BadRequest.FieldViolation::getField).toList();
  }
}
