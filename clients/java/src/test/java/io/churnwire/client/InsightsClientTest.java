package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetChurnOverTimeResponse;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetPredictionStatsResponse;
import io.churnwire.v1.GetRiskDistributionRequest;
import io.churnwire.v1.GetRiskDistributionResponse;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.ListPredictionsResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictionInterface;
import io.churnwire.v1.PredictionMethod;
import io.churnwire.v1.PredictionRecord;
import io.churnwire.v1.ProbabilityBucket;
import io.churnwire.v1.TimeBucket;
import io.churnwire.v1.TimeGranularity;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link InsightsClient} against the real server on Netty, recording into its own DuckDB file:
 * every call answers from what the test predicted, paging streams walk every page, bad arguments
 * are typed field violations, and the client's retries and deadline apply to these calls too.
 */
class InsightsClientTest {
  private static final int VARIED = 9;
  private static final int TOTAL = VARIED + 2;

  private static ServerApplication server;
  private static ChurnClient client;
  private static InsightsClient insights;

  @BeforeAll
  static void startAndPredict() throws Exception {
    server = LiveServer.start(LiveServer.config());
    client = ChurnClient.builder(LiveServer.target(server)).deadline(Duration.ofSeconds(20)).build();
    insights = client.insights();
    List<PredictRequest> customers = Customers.varied(VARIED);
    for (int i = 0; i < VARIED; i++) {
      client.predict(customers.get(i).toBuilder().setCustomerId("JAVA-" + i).build());
    }
    client.predict(Customers.risky());
    client.predict(Customers.risky());
    awaitRecorded(TOTAL);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void predictionStats_countEveryPrediction_ofTheServedModel() {
    String version = client.modelMetadata().getVersion();

    GetPredictionStatsResponse stats = insights.predictionStats();

    assertEquals(TOTAL, stats.getOverall().getPredictionCount());
    assertEquals(TOTAL, stats.getRiskBandsList().stream().mapToLong(band -> band.getSummary().getPredictionCount()).sum());
    assertEquals(version, stats.getModelVersions(0).getModelVersion());
    assertTrue(stats.hasFirstPredictTime() && stats.hasLastPredictTime(), stats::toString);
  }

  @Test
  void predictionStats_overARangeEndingBeforeThem_countNone() {
    Timestamp lastWeek = Timestamps.fromMillis(Instant.now().minus(Duration.ofDays(7)).toEpochMilli());

    GetPredictionStatsResponse stats = insights.predictionStats(GetPredictionStatsRequest.newBuilder()
        .setEndTime(lastWeek).build());

    assertEquals(0, stats.getOverall().getPredictionCount());
  }

  @Test
  void allPredictions_walkEveryPageOnce_mostRecentFirst_sameAsThePagesOneByOne() {
    ListPredictionsRequest fourAPage = ListPredictionsRequest.newBuilder().setPageSize(4).build();
    List<PredictionRecord> byHand = new ArrayList<>();
    ListPredictionsResponse page = insights.listPredictions(fourAPage);
    byHand.addAll(page.getPredictionsList());
    while (!page.getNextPageToken().isEmpty()) {
      page = insights.listPredictions(fourAPage.toBuilder().setPageToken(page.getNextPageToken()).build());
      byHand.addAll(page.getPredictionsList());
    }

    List<PredictionRecord> streamed;
    try (Stream<PredictionRecord> all = insights.allPredictions(fourAPage)) {
      streamed = all.toList();
    }

    assertEquals(TOTAL, streamed.size());
    assertEquals(byHand, streamed);
    assertEquals(TOTAL, new HashSet<>(streamed.stream().map(PredictionRecord::getRequestId).toList()).size());
    for (int i = 1; i < streamed.size(); i++) {
      assertTrue(Timestamps.compare(streamed.get(i - 1).getPredictTime(), streamed.get(i).getPredictTime()) >= 0);
    }
  }

  @Test
  void allPredictions_takenPartly_fetchOnlyThePagesNeeded() {
    AtomicInteger pages = new AtomicInteger();
    ServerInterceptor countPages = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getBareMethodName().equals("ListPredictions")) {
          pages.incrementAndGet();
        }
        return next.startCall(call, headers);
      }
    };
    try (ServerApplication counted = startOrFail(countPages);
        ChurnClient other = ChurnClient.connect(LiveServer.target(counted))) {
      Customers.varied(5).forEach(other::predict);
      awaitRecorded(other.insights(), 5);
      pages.set(0);

      List<PredictionRecord> firstThree;
      try (Stream<PredictionRecord> all = other.insights().allPredictions(
          ListPredictionsRequest.newBuilder().setPageSize(2).build())) {
        firstThree = all.limit(3).toList();
      }

      assertEquals(3, firstThree.size());
      assertEquals(2, pages.get());
    }
  }

  @Test
  void allCustomerPredictions_areThatCustomersRecords_withInterfaceAndMethod() {
    List<PredictionRecord> history;
    try (Stream<PredictionRecord> records = insights.allCustomerPredictions("0001-RISKY")) {
      history = records.toList();
    }

    assertEquals(2, history.size());
    for (PredictionRecord record : history) {
      assertEquals("0001-RISKY", record.getCustomerId());
      assertEquals(PredictionInterface.PREDICTION_INTERFACE_GRPC, record.getInterface());
      assertEquals(PredictionMethod.PREDICTION_METHOD_PREDICT, record.getMethod());
      assertEquals(Customers.risky().getTenureInMonths(), record.getFeatures().getTenureInMonths());
    }
  }

  @Test
  void riskDistribution_hasTheBucketsAskedFor_countingEveryPrediction() {
    GetRiskDistributionResponse distribution =
        insights.riskDistribution(GetRiskDistributionRequest.newBuilder().setBucketCount(5).build());

    assertEquals(5, distribution.getBucketsCount());
    assertEquals(TOTAL, distribution.getPredictionCount());
    assertEquals(TOTAL, distribution.getBucketsList().stream().mapToLong(ProbabilityBucket::getPredictionCount).sum());
    assertEquals(1.0, distribution.getBuckets(4).getUpperBound());
  }

  @Test
  void churnOverTime_perWeek_hasBucketsStartingOnMondays() {
    GetChurnOverTimeResponse perWeek = insights.churnOverTime(GetChurnOverTimeRequest.newBuilder()
        .setGranularity(TimeGranularity.TIME_GRANULARITY_WEEK).build());

    assertEquals(TimeGranularity.TIME_GRANULARITY_WEEK, perWeek.getGranularity());
    assertEquals(TOTAL, perWeek.getBucketsList().stream().mapToLong(bucket -> bucket.getSummary().getPredictionCount()).sum());
    for (TimeBucket bucket : perWeek.getBucketsList()) {
      Instant start = Instant.ofEpochSecond(bucket.getStartTime().getSeconds());
      assertEquals(DayOfWeek.MONDAY, start.atZone(ZoneOffset.UTC).getDayOfWeek(), start::toString);
    }
  }

  @Test
  void listPredictions_hugePageSize_isInvalidRequestNamingPageSize() {
    InvalidRequestException error = assertThrows(InvalidRequestException.class,
        () -> insights.listPredictions(ListPredictionsRequest.newBuilder().setPageSize(100_000).build()));

    assertEquals(List.of("page_size"), List.copyOf(error.byField().keySet()));
    assertFalse(error.isRetryable());
  }

  @Test
  void listPredictions_pageTokenNotFromTheServer_isInvalidRequestNamingPageToken() {
    InvalidRequestException error = assertThrows(InvalidRequestException.class,
        () -> insights.listPredictions(ListPredictionsRequest.newBuilder().setPageToken("garbage").build()));

    assertEquals(List.of("page_token"), List.copyOf(error.byField().keySet()));
  }

  @Test
  void predictionStats_endBeforeStart_isInvalidRequestNamingEndTime() {
    Timestamp now = Timestamps.fromMillis(System.currentTimeMillis());
    Timestamp anHourAgo = Timestamps.subtract(now, Durations.fromHours(1));

    InvalidRequestException error = assertThrows(InvalidRequestException.class,
        () -> insights.predictionStats(GetPredictionStatsRequest.newBuilder().setStartTime(now).setEndTime(anHourAgo).build()));

    assertEquals(List.of("end_time"), List.copyOf(error.byField().keySet()));
  }

  @Test
  void riskDistribution_tooManyBuckets_isInvalidRequestNamingBucketCount() {
    InvalidRequestException error = assertThrows(InvalidRequestException.class,
        () -> insights.riskDistribution(GetRiskDistributionRequest.newBuilder().setBucketCount(101).build()));

    assertEquals(List.of("bucket_count"), List.copyOf(error.byField().keySet()));
  }

  @Test
  void withDeadline_tooShort_isDeadlineExceeded() {
    ChurnClientException error = assertThrows(ChurnClientException.class,
        () -> insights.withDeadline(Duration.ofNanos(1)).predictionStats());

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.code());
  }

  @Test
  void serverWithHistoryOff_answersFailedPrecondition() throws Exception {
    try (ServerApplication off = LiveServer.start(LiveServer.config().withHistory(HistoryConfig.off()));
        ChurnClient other = ChurnClient.connect(LiveServer.target(off))) {
      ChurnClientException error = assertThrows(ChurnClientException.class, () -> other.insights().predictionStats());

      assertEquals(Status.Code.FAILED_PRECONDITION, error.code());
      assertFalse(error instanceof InvalidRequestException);
    }
  }

  @Test
  void insightsCall_unavailableOnce_isRetriedByTheClient() {
    AtomicInteger attempts = new AtomicInteger();
    ServerInterceptor failFirst = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getServiceName().equals("churnwire.v1.ChurnInsightsService")
            && attempts.incrementAndGet() == 1) {
          call.close(Status.UNAVAILABLE.withDescription("first attempt refused by the test"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
    try (ServerApplication flaky = startOrFail(failFirst);
        ChurnClient other = ChurnClient.builder(LiveServer.target(flaky))
            .retry(RetrySettings.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0))
            .build()) {
      GetPredictionStatsResponse stats = other.insights().predictionStats();

      assertEquals(0, stats.getOverall().getPredictionCount());
      assertEquals(2, attempts.get());
      assertEquals(1, other.retries());
    }
  }

  @Test
  void insightsCall_unavailable_withRetriesOff_reachesTheCaller() {
    ServerInterceptor refuse = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        call.close(Status.UNAVAILABLE.withDescription("refused by the test"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
    try (ServerApplication refusing = startOrFail(refuse);
        ChurnClient other = ChurnClient.builder(LiveServer.target(refusing)).retry(RetrySettings.none()).build()) {
      ChurnClientException error = assertThrows(ChurnClientException.class, () -> other.insights().predictionStats());

      assertEquals(Status.Code.UNAVAILABLE, error.code());
      assertTrue(error.isRetryable());
      assertEquals(0, other.retries());
    }
  }

  private static ServerApplication startOrFail(ServerInterceptor interceptor) {
    try {
      return LiveServer.start(LiveServer.config(), interceptor);
    } catch (IOException e) {
      throw new AssertionError("the test server did not start", e);
    }
  }

  private static void awaitRecorded(long count) {
    awaitRecorded(insights, count);
  }

  /** Recording is asynchronous: waits until the store holds {@code count} predictions. */
  private static void awaitRecorded(InsightsClient of, long count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long recorded = -1;
    while (System.nanoTime() < deadline) {
      recorded = of.predictionStats().getOverall().getPredictionCount();
      if (recorded == count) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the recorder", e);
      }
    }
    throw new AssertionError("the store holds " + recorded + " predictions, expected " + count);
  }
}
