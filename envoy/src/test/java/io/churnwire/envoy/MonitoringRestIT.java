package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.CalibrationBin;
import io.churnwire.v1.DriftBin;
import io.churnwire.v1.DriftLevel;
import io.churnwire.v1.FeatureDrift;
import io.churnwire.v1.FeatureSpec;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetFeatureDriftResponse;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.GetModelPerformanceResponse;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ChurnMonitoringService} over REST through the real Envoy and the real server: outcomes
 * posted as JSON are recorded and joined with the predictions made for those customers, realised
 * performance and feature drift come back as JSON equal to the gRPC answers, and bad outcomes are
 * a 400 naming each bad field, recording nothing.
 */
class MonitoringRestIT {
  private static final int CUSTOMERS = 40;

  private static RestGateway gateway;
  private static ModelMetadata model;
  private static List<String> customerIds;
  private static long churners;
  private static RecordOutcomesResponse firstRecording;
  private static List<Outcome> firstBatch;

  @BeforeAll
  static void predictAndRecordOutcomes() throws Exception {
    gateway = RestGateway.start(config -> config);
    model = gateway.grpc().getModelMetadata(GetModelMetadataRequest.getDefaultInstance()).getModel();
    List<PredictRequest> customers = Customers.varied(CUSTOMERS);
    customerIds = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      PredictRequest customer = customers.get(i).toBuilder().setCustomerId("MON-" + i).build();
      HttpResponse<String> answer = gateway.post("/v1/customers:predict", json(customer));
      assertEquals(200, answer.statusCode(), answer::body);
      customerIds.add(customer.getCustomerId());
    }
    gateway.awaitRecorded(CUSTOMERS);
    RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
    Instant observed = Instant.now();
    for (int i = 0; i < CUSTOMERS; i++) {
      boolean churned = i % 3 == 0;
      churners += churned ? 1 : 0;
      outcomes.addOutcomes(outcome(customerIds.get(i), churned, observed));
    }
    outcomes.addOutcomes(outcome("NEVER-SCORED", true, observed));
    firstBatch = outcomes.getOutcomesList();
    HttpResponse<String> recorded = gateway.post("/v1/outcomes", json(outcomes.build()));
    assertEquals(200, recorded.statusCode(), recorded::body);
    firstRecording = parse(recorded.body(), RecordOutcomesResponse.newBuilder(), RecordOutcomesResponse.class);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void postedOutcomes_areRecorded_andJoinedWithThePredictionsOfTheirCustomers() {
    assertEquals(CUSTOMERS + 1, firstRecording.getRecordedCount(), firstRecording::toString);
    assertEquals(CUSTOMERS, firstRecording.getMatchedCount(), firstRecording::toString);
    assertEquals(1, firstRecording.getUnknownCustomerCount(), firstRecording::toString);
    assertEquals(0, firstRecording.getDuplicateCount(), firstRecording::toString);
    assertEquals(0, firstRecording.getLateCount(), firstRecording::toString);
  }

  @Test
  void theSameOutcomePostedAgain_isADuplicate_andChangesNothing() throws Exception {
    GetModelPerformanceResponse before = performance();
    Outcome first = firstBatch.get(0);

    HttpResponse<String> again = gateway.post("/v1/outcomes",
        json(RecordOutcomesRequest.newBuilder().addOutcomes(first).build()));

    assertEquals(200, again.statusCode(), again::body);
    RecordOutcomesResponse answer = parse(again.body(), RecordOutcomesResponse.newBuilder(), RecordOutcomesResponse.class);
    assertEquals(0, answer.getRecordedCount(), answer::toString);
    assertEquals(1, answer.getDuplicateCount(), answer::toString);
    assertEquals(before.getOutcomeCount(), performance().getOutcomeCount());
  }

  @Test
  void performance_joinsEveryScoredCustomersOutcome_besideThePromotedMetrics_asGrpcAnswers() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/monitoring/performance");

    assertEquals(200, rest.statusCode(), rest::body);
    GetModelPerformanceResponse performance = parse(rest.body(), GetModelPerformanceResponse.newBuilder(),
        GetModelPerformanceResponse.class);
    assertEquals(gateway.monitoring().getModelPerformance(GetModelPerformanceRequest.getDefaultInstance()), performance);
    assertEquals(model.getVersion(), performance.getModelVersion());
    assertEquals(model.getDecisionThreshold(), performance.getDecisionThreshold());
    assertEquals(CUSTOMERS, performance.getOutcomeCount());
    assertEquals(churners, performance.getChurnedCount());
    assertEquals(Duration.ofDays(90).toSeconds(), performance.getOutcomeHorizon().getSeconds());
    assertTrue(performance.getRealised().hasRocAuc(), performance::toString);
    assertTrue(performance.getRealised().hasBrierScore(), performance::toString);
    assertEquals(CUSTOMERS, performance.getRealised().getTruePositives() + performance.getRealised().getFalsePositives()
        + performance.getRealised().getTrueNegatives() + performance.getRealised().getFalseNegatives());
    assertEquals(10, performance.getCalibrationCount());
    assertEquals(CUSTOMERS, performance.getCalibrationList().stream().mapToLong(CalibrationBin::getOutcomeCount).sum());
    assertTrue(performance.hasPromoted(), performance::toString);
    assertEquals(model.getMetrics().getRocAuc(), performance.getPromoted().getRocAuc(), 1e-12);
    assertTrue(rest.body().contains("\"outcome_count\":\"" + CUSTOMERS + "\""), rest::body);
  }

  @Test
  void performance_ofPredictionsBeforeAnyWereMade_hasNoOutcomesAndNoMeasures() throws Exception {
    String longAgo = URLEncoder.encode("2020-01-01T00:00:00Z", StandardCharsets.UTF_8);
    String later = URLEncoder.encode("2020-01-02T00:00:00Z", StandardCharsets.UTF_8);

    HttpResponse<String> rest = gateway.get("/v1/monitoring/performance?start_time=" + longAgo + "&end_time=" + later);

    assertEquals(200, rest.statusCode(), rest::body);
    GetModelPerformanceResponse performance = parse(rest.body(), GetModelPerformanceResponse.newBuilder(),
        GetModelPerformanceResponse.class);
    assertEquals(0, performance.getOutcomeCount());
    assertTrue(!performance.getRealised().hasRocAuc() && !performance.getRealised().hasBrierScore(),
        performance::toString);
  }

  @Test
  void drift_coversEveryFeatureOfTheModel_countingEveryServedValue_asGrpcAnswers() throws Exception {
    Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(60);
    Instant start = end.minus(Duration.ofHours(1));

    HttpResponse<String> rest = gateway.get("/v1/monitoring/drift?start_time=" + rfc3339(start) + "&end_time=" + rfc3339(end));

    assertEquals(200, rest.statusCode(), rest::body);
    GetFeatureDriftResponse drift = parse(rest.body(), GetFeatureDriftResponse.newBuilder(), GetFeatureDriftResponse.class);
    assertEquals(gateway.monitoring().getFeatureDrift(GetFeatureDriftRequest.newBuilder()
        .setStartTime(Timestamps.fromMillis(start.toEpochMilli()))
        .setEndTime(Timestamps.fromMillis(end.toEpochMilli())).build()), drift);
    assertEquals(model.getVersion(), drift.getModelVersion());
    assertEquals(CUSTOMERS, drift.getPredictionCount());
    assertEquals(model.getFeaturesList().stream().map(FeatureSpec::getName).toList(),
        drift.getFeaturesList().stream().map(FeatureDrift::getFeature).toList());
    for (FeatureDrift feature : drift.getFeaturesList()) {
      assertEquals(CUSTOMERS, feature.getObservationCount(), feature::toString);
      assertEquals(CUSTOMERS, feature.getBinsList().stream().mapToLong(DriftBin::getServedCount).sum(), feature::toString);
      assertEquals("unseen", feature.getBins(feature.getBinsCount() - 1).getLabel());
      assertTrue(feature.hasPsi() && feature.hasJensenShannonDistance(), feature::toString);
      assertTrue(feature.getLevel() != DriftLevel.DRIFT_LEVEL_UNSPECIFIED
          && feature.getLevel() != DriftLevel.DRIFT_LEVEL_NO_OBSERVATIONS, feature::toString);
    }
    assertEquals(0.1, drift.getThresholds().getModeratePsi());
    assertEquals(0.25, drift.getThresholds().getDriftedPsi());
    assertEquals(0.5, drift.getThresholds().getDriftedFeatureShare());
  }

  @Test
  void drift_ofAWindowWithoutPredictions_hasNoObservations() throws Exception {
    String longAgo = URLEncoder.encode("2020-01-01T00:00:00Z", StandardCharsets.UTF_8);
    String later = URLEncoder.encode("2020-01-02T00:00:00Z", StandardCharsets.UTF_8);

    HttpResponse<String> rest = gateway.get("/v1/monitoring/drift?start_time=" + longAgo + "&end_time=" + later);

    assertEquals(200, rest.statusCode(), rest::body);
    GetFeatureDriftResponse drift = parse(rest.body(), GetFeatureDriftResponse.newBuilder(), GetFeatureDriftResponse.class);
    assertEquals(0, drift.getPredictionCount());
    assertTrue(drift.getFeaturesList().stream().allMatch(feature -> feature.getLevel() == DriftLevel.DRIFT_LEVEL_NO_OBSERVATIONS
        && !feature.hasPsi()), drift::toString);
    assertTrue(!drift.hasDriftedFeatureShare() && !drift.getDrifted(), drift::toString);
  }

  @Test
  void badOutcomes_are400WithAViolationPerBadOutcome_andNothingIsRecorded() throws Exception {
    long before = performance().getOutcomeCount();
    Instant now = Instant.now();
    String batch = """
        {"outcomes": [
          {"customer_id": "%s", "churned": true, "observe_time": "%s"},
          {"customer_id": "%s", "observe_time": "%s"},
          {"customer_id": "", "churned": false, "observe_time": "%s"},
          {"customer_id": "%s", "churned": false, "observe_time": "%s"},
          {"customer_id": "%s", "churned": false}
        ]}""".formatted(
        customerIds.get(1), now.plusSeconds(1),
        customerIds.get(2), now,
        now,
        customerIds.get(3), now.plus(Duration.ofDays(1)),
        customerIds.get(4));

    HttpResponse<String> rest = gateway.post("/v1/outcomes", batch);

    assertEquals(400, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertEquals(List.of("outcomes[1].churned", "outcomes[2].customer_id", "outcomes[3].observe_time",
        "outcomes[4].observe_time"), RestGateway.violatedFields(status), rest::body);
    assertEquals(before, performance().getOutcomeCount(), "the valid outcome of the batch was not recorded either");
  }

  @Test
  void anEmptyBatch_is400OnOutcomes() throws Exception {
    HttpResponse<String> rest = gateway.post("/v1/outcomes", "{\"outcomes\": []}");

    assertEquals(400, rest.statusCode(), rest::body);
    assertEquals(List.of("outcomes"), RestGateway.violatedFields(status(rest)));
  }

  @Test
  void aBodyThatIsNotOutcomes_is400NamingTheField() throws Exception {
    HttpResponse<String> rest = gateway.post("/v1/outcomes", "{\"outcomes\": [{\"churned\": \"perhaps\"}]}");

    assertEquals(400, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("churned"), status::getMessage);
  }

  private static Outcome outcome(String customerId, boolean churned, Instant observed) {
    return Outcome.newBuilder()
        .setCustomerId(customerId)
        .setChurned(churned)
        .setObserveTime(Timestamps.fromMillis(observed.toEpochMilli()))
        .build();
  }

  private static GetModelPerformanceResponse performance() {
    return gateway.monitoring().getModelPerformance(GetModelPerformanceRequest.getDefaultInstance());
  }

  private static String rfc3339(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }
}
