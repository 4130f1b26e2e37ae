package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.churnwire.history.Cursor;
import io.churnwire.history.Granularity;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetRiskDistributionRequest;
import io.churnwire.v1.ListCustomerPredictionsRequest;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.RiskBand;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InsightsRequestsTest {
  private static final Timestamp MORNING = Timestamp.newBuilder().setSeconds(1_790_000_000L).build();
  private static final Timestamp EVENING = Timestamp.newBuilder().setSeconds(1_790_040_000L).build();

  @Test
  void anUnsetPageSize_isTheDefault_andAFilterBecomesTheQuery() throws Exception {
    InsightsRequests.PageQuery query = InsightsRequests.list(ListPredictionsRequest.newBuilder()
        .setRiskBand(RiskBand.RISK_BAND_HIGH).setModelVersion("sha256:0123456789abcdef")
        .setStartTime(MORNING).setEndTime(EVENING).build());

    assertEquals(InsightsRequests.DEFAULT_PAGE_SIZE, query.pageSize());
    assertEquals(Optional.of("RISK_BAND_HIGH"), query.filter().riskBand());
    assertEquals(Optional.of("sha256:0123456789abcdef"), query.filter().modelVersion());
    assertEquals(Optional.of(Instant.ofEpochSecond(1_790_000_000L)), query.filter().range().start());
    assertEquals(Optional.of(Instant.ofEpochSecond(1_790_040_000L)), query.filter().range().end());
    assertTrue(query.after().isEmpty());
  }

  @Test
  void aHugeOrNegativePageSize_isRefusedNamingPageSize() {
    assertEquals(List.of("page_size"), fields(() -> InsightsRequests.list(
        ListPredictionsRequest.newBuilder().setPageSize(100_000).build())));
    assertEquals(List.of("page_size"), fields(() -> InsightsRequests.customer(
        ListCustomerPredictionsRequest.newBuilder().setCustomerId("7590-VHVEG").setPageSize(-1).build())));
  }

  @Test
  void aReversedOrEmptyTimeRange_isRefusedNamingEndTime() {
    assertEquals(List.of("end_time"), fields(() -> InsightsRequests.stats(
        GetPredictionStatsRequest.newBuilder().setStartTime(EVENING).setEndTime(MORNING).build())));
    assertEquals(List.of("end_time"), fields(() -> InsightsRequests.stats(
        GetPredictionStatsRequest.newBuilder().setStartTime(MORNING).setEndTime(MORNING).build())));
  }

  @Test
  void everyBadFieldOfOneRequest_isNamedInOneAnswer() {
    assertEquals(List.of("page_size", "end_time", "risk_band"), fields(() -> InsightsRequests.list(
        ListPredictionsRequest.newBuilder().setPageSize(1_001).setStartTime(EVENING).setEndTime(MORNING)
            .setRiskBandValue(42).build())));
  }

  @Test
  void anUnknownEnumNumber_isRefusedNamingItsField() {
    assertEquals(List.of("granularity"), fields(() -> InsightsRequests.churnOverTime(
        GetChurnOverTimeRequest.newBuilder().setGranularityValue(9).build())));
  }

  @Test
  void aTimestampOutsideTheYears1To9999_isRefused() {
    assertEquals(List.of("start_time"), fields(() -> InsightsRequests.stats(GetPredictionStatsRequest.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build())));
  }

  @Test
  void bucketCount_isOneToAHundred_andZeroMeansTen() throws Exception {
    assertEquals(10, InsightsRequests.distribution(GetRiskDistributionRequest.getDefaultInstance()).bucketCount());
    assertEquals(100, InsightsRequests.distribution(
        GetRiskDistributionRequest.newBuilder().setBucketCount(100).build()).bucketCount());
    assertEquals(List.of("bucket_count"), fields(() -> InsightsRequests.distribution(
        GetRiskDistributionRequest.newBuilder().setBucketCount(101).build())));
    assertEquals(List.of("bucket_count"), fields(() -> InsightsRequests.distribution(
        GetRiskDistributionRequest.newBuilder().setBucketCount(-3).build())));
  }

  @Test
  void aCustomerHistory_needsACustomerId() {
    assertEquals(List.of("customer_id"), fields(() -> InsightsRequests.customer(
        ListCustomerPredictionsRequest.getDefaultInstance())));
    assertEquals(List.of("customer_id"), fields(() -> InsightsRequests.customer(
        ListCustomerPredictionsRequest.newBuilder().setCustomerId("c".repeat(257)).build())));
  }

  @Test
  void granularityDefaultsToDay() throws Exception {
    assertEquals(Granularity.DAY, InsightsRequests.churnOverTime(GetChurnOverTimeRequest.getDefaultInstance())
        .granularity());
  }

  @Test
  void aPageToken_continuesOnlyTheQueryThatIssuedIt() throws Exception {
    ListPredictionsRequest first = ListPredictionsRequest.newBuilder().setRiskBand(RiskBand.RISK_BAND_HIGH).build();
    String token = PageToken.encode(new Cursor(Instant.ofEpochSecond(1_790_000_000L, 123), 77),
        InsightsRequests.list(first).scope());

    InsightsRequests.PageQuery next = InsightsRequests.list(first.toBuilder().setPageToken(token).build());
    assertEquals(Optional.of(new Cursor(Instant.ofEpochSecond(1_790_000_000L, 123), 77)), next.after());

    assertEquals(List.of("page_token"), fields(() -> InsightsRequests.list(first.toBuilder()
        .setRiskBand(RiskBand.RISK_BAND_LOW).setPageToken(token).build())));
  }

  @Test
  void aPageTokenNotIssuedByTheServer_isRefusedNamingPageToken() {
    for (String garbage : List.of("garbage", "!!!", "cDE6eDp5", "x".repeat(10_000))) {
      assertEquals(List.of("page_token"), fields(() -> InsightsRequests.list(
          ListPredictionsRequest.newBuilder().setPageToken(garbage).build())), garbage);
    }
  }

  @FunctionalInterface
  private interface Call {
    Object run() throws InvalidRequestException;
  }

  private static List<String> fields(Call call) {
    InvalidRequestException refused = assertThrows(InvalidRequestException.class, call::run);
    return refused.violations().stream().map(com.google.rpc.BadRequest.FieldViolation::getField).toList();
  }
}
