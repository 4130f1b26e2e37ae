package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetChurnOverTimeResponse;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetPredictionStatsResponse;
import io.churnwire.v1.GetRiskDistributionResponse;
import io.churnwire.v1.ListCustomerPredictionsResponse;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.ListPredictionsResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictionInterface;
import io.churnwire.v1.PredictionRecord;
import io.churnwire.v1.ProbabilityBucket;
import io.churnwire.v1.RiskBandSummary;
import io.churnwire.v1.TimeBucket;
import io.churnwire.v1.TimeGranularity;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The insights calls over REST through the real Envoy, answered by the real server from its real
 * embedded store: predictions sent over REST are recorded as REST and those sent over gRPC as gRPC
 * (the mark Envoy sets), every call answers what gRPC answers, paging walks the whole history, and
 * bad input is a 400 naming the field.
 */
class InsightsRestIT {
  private static final int REST_PREDICTIONS = 7;
  private static final int GRPC_PREDICTIONS = 5;
  private static final int TOTAL = REST_PREDICTIONS + GRPC_PREDICTIONS;
  /** Scored once over each interface, so its history holds one of each. */
  private static final String BOTH_WAYS = "7590-BOTH";

  private static RestGateway gateway;
  private static String modelVersion;

  @BeforeAll
  static void startAndPredict() throws Exception {
    gateway = RestGateway.start(config -> config);
    List<PredictRequest> customers = Customers.varied(TOTAL);
    for (int i = 0; i < REST_PREDICTIONS; i++) {
      PredictRequest customer = customers.get(i).toBuilder().setCustomerId(i == 0 ? BOTH_WAYS : "REST-" + i).build();
      HttpResponse<String> answer = gateway.post("/v1/customers:predict", json(customer));
      assertEquals(200, answer.statusCode(), answer::body);
    }
    for (int i = REST_PREDICTIONS; i < TOTAL; i++) {
      PredictRequest customer = customers.get(i).toBuilder()
          .setCustomerId(i == REST_PREDICTIONS ? BOTH_WAYS : "GRPC-" + i).build();
      modelVersion = gateway.grpc().predict(customer).getPrediction().getModelVersion();
    }
    gateway.awaitRecorded(TOTAL);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void stats_countEveryPrediction_perBandAndModelVersion_asGrpcDoes() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/stats");

    assertEquals(200, rest.statusCode(), rest::body);
    GetPredictionStatsResponse stats = parse(rest.body(), GetPredictionStatsResponse.newBuilder(),
        GetPredictionStatsResponse.class);
    assertEquals(gateway.insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance()), stats);
    assertEquals(TOTAL, stats.getOverall().getPredictionCount());
    assertEquals(TOTAL, stats.getRiskBandsList().stream().mapToLong(band -> band.getSummary().getPredictionCount()).sum());
    assertEquals(1, stats.getModelVersionsCount());
    assertEquals(modelVersion, stats.getModelVersions(0).getModelVersion());
    assertEquals(TOTAL, stats.getModelVersions(0).getSummary().getPredictionCount());
    long churners = stats.getOverall().getPredictedChurnCount();
    assertEquals((double) churners / TOTAL, stats.getOverall().getPredictedChurnRate(), 1e-9);
    assertTrue(stats.hasFirstPredictTime() && stats.hasLastPredictTime(), stats::toString);
    assertTrue(rest.body().contains("\"prediction_count\":\"" + TOTAL + "\""), rest::body);
  }

  @Test
  void stats_overARangeAfterEveryPrediction_countNone() throws Exception {
    String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString();

    HttpResponse<String> rest = gateway.get("/v1/stats?start_time=" + URLEncoder.encode(tomorrow, StandardCharsets.UTF_8));

    assertEquals(200, rest.statusCode(), rest::body);
    GetPredictionStatsResponse stats = parse(rest.body(), GetPredictionStatsResponse.newBuilder(),
        GetPredictionStatsResponse.class);
    assertEquals(0, stats.getOverall().getPredictionCount());
    assertFalse(stats.hasFirstPredictTime());
  }

  @Test
  void predictions_recordTheInterfaceEachCameThrough() throws Exception {
    List<PredictionRecord> all = allPages("/v1/predictions?page_size=100");

    Map<String, PredictionInterface> interfaces = all.stream()
        .filter(record -> !record.getCustomerId().equals(BOTH_WAYS))
        .collect(Collectors.toMap(PredictionRecord::getCustomerId, PredictionRecord::getInterface));
    for (Map.Entry<String, PredictionInterface> entry : interfaces.entrySet()) {
      PredictionInterface expected = entry.getKey().startsWith("REST-")
          ? PredictionInterface.PREDICTION_INTERFACE_REST
          : PredictionInterface.PREDICTION_INTERFACE_GRPC;
      assertEquals(expected, entry.getValue(), entry::getKey);
    }
    assertEquals(TOTAL - 2, interfaces.size());
  }

  @Test
  void predictions_pagedWithPageToken_walkEveryPredictionOnceMostRecentFirst() throws Exception {
    HttpResponse<String> first = gateway.get("/v1/predictions?page_size=5");
    ListPredictionsResponse firstPage = parse(first.body(), ListPredictionsResponse.newBuilder(),
        ListPredictionsResponse.class);

    List<PredictionRecord> all = allPages("/v1/predictions?page_size=5");

    assertEquals(200, first.statusCode(), first::body);
    assertEquals(5, firstPage.getPredictionsCount());
    assertFalse(firstPage.getNextPageToken().isEmpty());
    assertEquals(TOTAL, all.size());
    assertEquals(TOTAL, new HashSet<>(all.stream().map(PredictionRecord::getRequestId).toList()).size());
    for (int i = 1; i < all.size(); i++) {
      assertTrue(Timestamps.compare(all.get(i - 1).getPredictTime(), all.get(i).getPredictTime()) >= 0,
          "most recent first: " + all.get(i - 1).getPredictTime() + " before " + all.get(i).getPredictTime());
    }
    assertEquals(gateway.insights().listPredictions(ListPredictionsRequest.newBuilder().setPageSize(5).build()),
        firstPage);
  }

  @Test
  void predictions_filteredByRiskBand_areOnlyThatBand() throws Exception {
    GetPredictionStatsResponse stats = gateway.insights().getPredictionStats(GetPredictionStatsRequest.getDefaultInstance());
    RiskBandSummary band = stats.getRiskBands(0);

    List<PredictionRecord> inBand = allPages("/v1/predictions?page_size=4&risk_band=" + band.getRiskBand().name());

    assertEquals(band.getSummary().getPredictionCount(), inBand.size());
    assertTrue(inBand.stream().allMatch(record -> record.getRiskBand() == band.getRiskBand()), inBand::toString);
  }

  @Test
  void customerHistory_holdsThatCustomersPredictionsFromBothInterfaces_withTheFeaturesAsSent() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/customers/" + BOTH_WAYS + "/predictions");

    assertEquals(200, rest.statusCode(), rest::body);
    ListCustomerPredictionsResponse history = parse(rest.body(), ListCustomerPredictionsResponse.newBuilder(),
        ListCustomerPredictionsResponse.class);
    assertEquals(2, history.getPredictionsCount(), history::toString);
    assertTrue(history.getNextPageToken().isEmpty());
    assertEquals(Set.of(PredictionInterface.PREDICTION_INTERFACE_REST, PredictionInterface.PREDICTION_INTERFACE_GRPC),
        history.getPredictionsList().stream().map(PredictionRecord::getInterface).collect(Collectors.toSet()));
    PredictRequest sentOverRest = Customers.varied(TOTAL).get(0);
    PredictionRecord overRest = history.getPredictionsList().stream()
        .filter(record -> record.getInterface() == PredictionInterface.PREDICTION_INTERFACE_REST)
        .findFirst().orElseThrow();
    assertEquals(sentOverRest.getTenureInMonths(), overRest.getFeatures().getTenureInMonths());
    assertEquals(sentOverRest.getContract(), overRest.getFeatures().getContract());
    assertEquals(sentOverRest.getTotalRevenue(), overRest.getFeatures().getTotalRevenue());
  }

  @Test
  void customerHistory_ofAnUnknownCustomer_isEmpty() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/customers/NOBODY/predictions");

    assertEquals(200, rest.statusCode(), rest::body);
    assertEquals(0, parse(rest.body(), ListCustomerPredictionsResponse.newBuilder(),
        ListCustomerPredictionsResponse.class).getPredictionsCount());
  }

  @Test
  void riskDistribution_hasTheBucketsAskedFor_coveringZeroToOne_andCountingEveryPrediction() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/stats:riskDistribution?bucket_count=4");

    assertEquals(200, rest.statusCode(), rest::body);
    GetRiskDistributionResponse distribution = parse(rest.body(), GetRiskDistributionResponse.newBuilder(),
        GetRiskDistributionResponse.class);
    assertEquals(4, distribution.getBucketsCount());
    assertEquals(0.0, distribution.getBuckets(0).getLowerBound());
    assertEquals(0.25, distribution.getBuckets(1).getLowerBound(), 1e-12);
    assertEquals(1.0, distribution.getBuckets(3).getUpperBound());
    assertEquals(TOTAL, distribution.getPredictionCount());
    assertEquals(TOTAL, distribution.getBucketsList().stream().mapToLong(ProbabilityBucket::getPredictionCount).sum());
  }

  @Test
  void churnOverTime_perHour_countsEveryPredictionInHourBuckets() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/stats:churnOverTime?granularity=TIME_GRANULARITY_HOUR");

    assertEquals(200, rest.statusCode(), rest::body);
    GetChurnOverTimeResponse perHour = parse(rest.body(), GetChurnOverTimeResponse.newBuilder(),
        GetChurnOverTimeResponse.class);
    assertEquals(TimeGranularity.TIME_GRANULARITY_HOUR, perHour.getGranularity());
    assertFalse(perHour.getBucketsList().isEmpty());
    assertEquals(TOTAL, perHour.getBucketsList().stream().mapToLong(bucket -> bucket.getSummary().getPredictionCount()).sum());
    for (TimeBucket bucket : perHour.getBucketsList()) {
      assertEquals(0, bucket.getStartTime().getSeconds() % 3600, bucket::toString);
      assertEquals(0, bucket.getStartTime().getNanos(), bucket::toString);
    }
    assertEquals(gateway.insights().getChurnOverTime(GetChurnOverTimeRequest.newBuilder()
        .setGranularity(TimeGranularity.TIME_GRANULARITY_HOUR).build()), perHour);
  }

  @Test
  void churnOverTime_byDefault_isPerDay() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/stats:churnOverTime");

    assertEquals(200, rest.statusCode(), rest::body);
    GetChurnOverTimeResponse perDay = parse(rest.body(), GetChurnOverTimeResponse.newBuilder(),
        GetChurnOverTimeResponse.class);
    assertEquals(TimeGranularity.TIME_GRANULARITY_DAY, perDay.getGranularity());
    assertEquals(0, perDay.getBuckets(0).getStartTime().getSeconds() % 86_400);
  }

  @Test
  void badInsightsInput_is400WithTheFieldNamed() throws Exception {
    String start = URLEncoder.encode("2026-12-01T12:00:00Z", StandardCharsets.UTF_8);
    String before = URLEncoder.encode("2026-12-01T11:00:00Z", StandardCharsets.UTF_8);
    Map<String, String> fieldOf = Map.of(
        "/v1/predictions?page_size=100000", "page_size",
        "/v1/predictions?page_token=garbage", "page_token",
        "/v1/customers/" + BOTH_WAYS + "/predictions?page_token=garbage", "page_token",
        "/v1/stats?start_time=" + start + "&end_time=" + before, "end_time",
        "/v1/predictions?start_time=" + start + "&end_time=" + before, "end_time",
        "/v1/stats:riskDistribution?bucket_count=101", "bucket_count");

    for (Map.Entry<String, String> bad : fieldOf.entrySet()) {
      HttpResponse<String> rest = gateway.get(bad.getKey());

      assertEquals(400, rest.statusCode(), () -> bad.getKey() + " -> " + rest.body());
      Status status = status(rest);
      assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode(), bad.getKey());
      assertEquals(List.of(bad.getValue()), RestGateway.violatedFields(status), () -> bad.getKey() + " -> " + rest.body());
    }
  }

  @Test
  void unknownRiskBand_is400NamingRiskBand() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/predictions?risk_band=PURPLE");

    assertEquals(400, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("risk_band"), status::getMessage);
  }

  /** Follows next_page_token from {@code firstPage} to the last page. */
  private static List<PredictionRecord> allPages(String firstPage) throws Exception {
    List<PredictionRecord> all = new ArrayList<>();
    String token = "";
    do {
      String page = token.isEmpty() ? firstPage : firstPage + "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      HttpResponse<String> rest = gateway.get(page);
      assertEquals(200, rest.statusCode(), () -> page + " -> " + rest.body());
      ListPredictionsResponse answer = parse(rest.body(), ListPredictionsResponse.newBuilder(), ListPredictionsResponse.class);
      all.addAll(answer.getPredictionsList());
      token = answer.getNextPageToken();
      assertTrue(all.size() <= TOTAL, "paging does not end: " + all.size() + " predictions so far");
    } while (!token.isEmpty());
    return all;
  }
}
