package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest.FieldViolation;
import io.churnwire.history.OutcomeRecord;
import io.churnwire.history.TimeRange;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MonitoringRequestsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final String VERSION = "sha256:0123456789abcdef";

  private static Timestamp at(Instant instant) {
    return HistoryProtos.timestamp(instant);
  }

  private static Outcome outcome(String customer, boolean churned, Instant observed) {
    return Outcome.newBuilder().setCustomerId(customer).setChurned(churned).setObserveTime(at(observed)).build();
  }

  private static RecordOutcomesRequest batch(Outcome... outcomes) {
    return RecordOutcomesRequest.newBuilder().addAllOutcomes(List.of(outcomes)).build();
  }

  @Test
  void validOutcomes_becomeRecordsInOrder_includingStayersAndASkewedClock() throws Exception {
    List<OutcomeRecord> records = MonitoringRequests.outcomes(batch(
        outcome("7590-VHVEG", true, NOW.minusSeconds(3_600)),
        outcome("5575-GNVDE", false, NOW.plusSeconds(240))), 1_000, NOW);

    assertEquals(List.of(new OutcomeRecord("7590-VHVEG", true, NOW.minusSeconds(3_600)),
        new OutcomeRecord("5575-GNVDE", false, NOW.plusSeconds(240))), records);
  }

  @Test
  void anEmptyBatch_orOneAboveTheMaximum_isRefusedNamingOutcomes() {
    Outcome one = outcome("c", true, NOW);

    assertEquals(List.of("outcomes"), fields(() -> MonitoringRequests.outcomes(batch(), 1_000, NOW)));
    List<FieldViolation> tooMany = violations(() -> MonitoringRequests.outcomes(batch(one, one, one), 2, NOW));
    assertEquals(List.of("outcomes"), tooMany.stream().map(FieldViolation::getField).toList());
    assertTrue(tooMany.getFirst().getDescription().contains("at most 2"), tooMany.getFirst().getDescription());
  }

  @Test
  void everyBadFieldOfEveryBadOutcome_isNamedWithItsIndex() {
    Outcome good = outcome("good", false, NOW);
    Outcome noChurnedFlag = good.toBuilder().clearChurned().build();
    Outcome noCustomerNoTime = Outcome.newBuilder().setChurned(true).build();
    Outcome future = outcome("later", true, NOW.plusSeconds(301));
    Outcome tooLong = outcome("x".repeat(FeatureBinding.MAX_ID_LENGTH + 1), true, NOW);
    Outcome control = outcome("bad\nid", true, NOW);
    Outcome badTime = good.toBuilder().setObserveTime(Timestamp.newBuilder().setSeconds(1).setNanos(-5)).build();

    List<String> fields = fields(() -> MonitoringRequests.outcomes(
        batch(good, noChurnedFlag, noCustomerNoTime, future, tooLong, control, badTime), 1_000, NOW));

    assertEquals(List.of("outcomes[1].churned", "outcomes[2].customer_id", "outcomes[2].observe_time",
        "outcomes[3].observe_time", "outcomes[4].customer_id", "outcomes[5].customer_id",
        "outcomes[6].observe_time"), fields);
  }

  @Test
  void anObservationMoreThanFiveMinutesAhead_saysHowMuchSkewIsTolerated() {
    List<FieldViolation> found = violations(() -> MonitoringRequests.outcomes(
        batch(outcome("c", true, NOW.plusSeconds(3_600))), 1_000, NOW));

    assertEquals("outcomes[0].observe_time", found.getFirst().getField());
    assertTrue(found.getFirst().getDescription().contains("5 minutes"), found.getFirst().getDescription());
  }

  @Test
  void performance_versionAndRange_becomeTheQuery_andEmptyMeansServedAndAllTime() throws Exception {
    MonitoringRequests.PerformanceQuery asked = MonitoringRequests.performance(GetModelPerformanceRequest.newBuilder()
        .setModelVersion(VERSION).setStartTime(at(NOW.minusSeconds(60))).setEndTime(at(NOW)).build());
    MonitoringRequests.PerformanceQuery defaults =
        MonitoringRequests.performance(GetModelPerformanceRequest.getDefaultInstance());

    assertEquals(new MonitoringRequests.PerformanceQuery(Optional.of(VERSION),
        new TimeRange(Optional.of(NOW.minusSeconds(60)), Optional.of(NOW))), asked);
    assertEquals(new MonitoringRequests.PerformanceQuery(Optional.empty(), TimeRange.ALL), defaults);
  }

  @Test
  void drift_leavesDefaultsToTheServer_andRefusesAReversedRange() throws Exception {
    MonitoringRequests.DriftQuery onlyEnd =
        MonitoringRequests.drift(GetFeatureDriftRequest.newBuilder().setEndTime(at(NOW)).build());

    assertEquals(new MonitoringRequests.DriftQuery(Optional.empty(), Optional.empty(), Optional.of(NOW)), onlyEnd);
    assertEquals(List.of("end_time"), fields(() -> MonitoringRequests.drift(GetFeatureDriftRequest.newBuilder()
        .setStartTime(at(NOW)).setEndTime(at(NOW.minusSeconds(1))).build())));
  }

  @Test
  void aModelVersionThatIsNotOne_isRefusedNamingModelVersion() {
    assertEquals(List.of("model_version"), fields(() -> MonitoringRequests.performance(
        GetModelPerformanceRequest.newBuilder().setModelVersion("latest").build())));
    assertEquals(List.of("model_version"), fields(() -> MonitoringRequests.drift(
        GetFeatureDriftRequest.newBuilder().setModelVersion("sha256:" + "a".repeat(200)).build())));
  }

  private static List<FieldViolation> violations(Call call) {
    return assertThrows(InvalidRequestException.class, call::run).violations();
  }

  private static List<String> fields(Call call) {
    return violations(call).stream().map(FieldViolation::getField).toList();
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }
}
