package io.churnwire.server;

import io.churnwire.history.Granularity;
import io.churnwire.history.PredictionFilter;
import io.churnwire.history.PredictionStats;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.ProbabilityBucket;
import io.churnwire.history.StoredPrediction;
import io.churnwire.history.Summary;
import io.churnwire.history.TimeBucket;
import io.churnwire.history.TimeRange;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
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
import io.churnwire.v1.ModelVersionSummary;
import io.churnwire.v1.RiskBand;
import io.churnwire.v1.RiskBandSummary;
import io.churnwire.v1.TimeGranularity;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code churnwire.v1.ChurnInsightsService}: the prediction history, asked over gRPC (and REST
 * through Envoy). Requests are validated on the transport thread; queries run on the
 * {@link InsightsExecutor}. A store that cannot be reached is {@code UNAVAILABLE} (the health
 * service says so too); with the history off every call is {@code FAILED_PRECONDITION}.
 */
public final class ChurnInsightsServiceImpl extends ChurnInsightsServiceGrpc.ChurnInsightsServiceImplBase {
  private final HistoryCalls calls;
  private final Clock clock;

  /**
   * @param store the history; empty when it is off
   * @param executor where queries run
   * @param clock what "now" is, the default end of a churn-over-time series
   */
  ChurnInsightsServiceImpl(Optional<PredictionStore> store, InsightsExecutor executor, Clock clock) {
    this.calls = new HistoryCalls(store, executor);
    this.clock = clock;
  }

  @Override
  public void getPredictionStats(GetPredictionStatsRequest request,
      StreamObserver<GetPredictionStatsResponse> responses) {
    answer(responses, () -> InsightsRequests.stats(request), (history, range) -> stats(history.stats(range)));
  }

  @Override
  public void listPredictions(ListPredictionsRequest request, StreamObserver<ListPredictionsResponse> responses) {
    answer(responses, () -> InsightsRequests.list(request), (history, page) -> {
      Page found = page(history, page);
      return ListPredictionsResponse.newBuilder().addAllPredictions(found.records())
          .setNextPageToken(found.nextToken()).build();
    });
  }

  @Override
  public void listCustomerPredictions(ListCustomerPredictionsRequest request,
      StreamObserver<ListCustomerPredictionsResponse> responses) {
    answer(responses, () -> InsightsRequests.customer(request), (history, page) -> {
      Page found = page(history, page);
      return ListCustomerPredictionsResponse.newBuilder().addAllPredictions(found.records())
          .setNextPageToken(found.nextToken()).build();
    });
  }

  @Override
  public void getRiskDistribution(GetRiskDistributionRequest request,
      StreamObserver<GetRiskDistributionResponse> responses) {
    answer(responses, () -> InsightsRequests.distribution(request), (history, query) -> {
      GetRiskDistributionResponse.Builder answer = GetRiskDistributionResponse.newBuilder();
      long total = 0;
      for (ProbabilityBucket bucket : history.riskDistribution(query.filter(), query.bucketCount())) {
        answer.addBuckets(io.churnwire.v1.ProbabilityBucket.newBuilder()
            .setLowerBound(bucket.lower())
            .setUpperBound(bucket.upper())
            .setPredictionCount(bucket.count())
            .setPredictedChurnCount(bucket.churnCount()));
        total += bucket.count();
      }
      return answer.setPredictionCount(total).build();
    });
  }

  @Override
  public void getChurnOverTime(GetChurnOverTimeRequest request, StreamObserver<GetChurnOverTimeResponse> responses) {
    answer(responses, () -> InsightsRequests.churnOverTime(request), this::churnOverTime);
  }

  private GetChurnOverTimeResponse churnOverTime(PredictionStore history, InsightsRequests.TrendQuery query)
      throws InvalidRequestException {
    Granularity granularity = query.granularity();
    GetChurnOverTimeResponse.Builder answer = GetChurnOverTimeResponse.newBuilder()
        .setGranularity(granularity(granularity));
    Instant end = query.end().orElseGet(clock::instant);
    Optional<Instant> start = query.start().or(history::earliest);
    if (start.isEmpty()) {
      return answer.build();
    }
    Instant first = TimeBuckets.floor(start.get(), granularity);
    if (!first.isBefore(end)) {
      return answer.build();
    }
    long buckets = TimeBuckets.count(first, end, granularity);
    if (buckets > InsightsRequests.MAX_TIME_BUCKETS) {
      throw new InvalidRequestException(List.of(com.google.rpc.BadRequest.FieldViolation.newBuilder()
          .setField("granularity")
          .setDescription("the range from " + first + " to " + end + " holds " + buckets + " buckets of a "
              + granularity.name().toLowerCase(java.util.Locale.ROOT) + ", more than "
              + InsightsRequests.MAX_TIME_BUCKETS + "; choose a coarser granularity or a shorter range")
          .build()));
    }
    PredictionFilter filter = new PredictionFilter(new TimeRange(Optional.of(first), Optional.of(end)),
        Optional.empty(), query.modelVersion(), Optional.empty());
    Map<Instant, Summary> found = new HashMap<>();
    for (TimeBucket bucket : history.churnOverTime(filter, granularity)) {
      found.merge(bucket.start(), bucket.summary(), Summary::plus);
    }
    for (Instant at = first; at.isBefore(end); at = TimeBuckets.next(at, granularity)) {
      answer.addBuckets(io.churnwire.v1.TimeBucket.newBuilder()
          .setStartTime(HistoryProtos.timestamp(at))
          .setSummary(HistoryProtos.summary(found.getOrDefault(at, Summary.EMPTY))));
    }
    return answer.build();
  }

  private static TimeGranularity granularity(Granularity granularity) {
    return switch (granularity) {
      case HOUR -> TimeGranularity.TIME_GRANULARITY_HOUR;
      case DAY -> TimeGranularity.TIME_GRANULARITY_DAY;
      case WEEK -> TimeGranularity.TIME_GRANULARITY_WEEK;
    };
  }

  private static GetPredictionStatsResponse stats(PredictionStats stats) {
    GetPredictionStatsResponse.Builder answer = GetPredictionStatsResponse.newBuilder()
        .setOverall(HistoryProtos.summary(stats.overall()));
    stats.byRiskBand().entrySet().stream()
        .map(band -> Map.entry(HistoryProtos.named(RiskBand.class, band.getKey(), RiskBand.RISK_BAND_UNSPECIFIED),
            band.getValue()))
        .sorted(Comparator.comparingInt(band -> band.getKey().getNumber()))
        .forEach(band -> answer.addRiskBands(RiskBandSummary.newBuilder()
            .setRiskBand(band.getKey())
            .setSummary(HistoryProtos.summary(band.getValue()))));
    stats.byModelVersion().entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, Summary> version) -> version.getValue().count())
            .reversed().thenComparing(Map.Entry::getKey))
        .forEach(version -> answer.addModelVersions(ModelVersionSummary.newBuilder()
            .setModelVersion(version.getKey())
            .setSummary(HistoryProtos.summary(version.getValue()))));
    stats.first().ifPresent(first -> answer.setFirstPredictTime(HistoryProtos.timestamp(first)));
    stats.last().ifPresent(last -> answer.setLastPredictTime(HistoryProtos.timestamp(last)));
    return answer.build();
  }

  /** One page of predictions and the token of the next, empty on the last page. */
  private record Page(List<io.churnwire.v1.PredictionRecord> records, String nextToken) {}

  private static Page page(PredictionStore history, InsightsRequests.PageQuery query) {
    List<StoredPrediction> found = history.list(query.filter(), query.after(), query.pageSize() + 1);
    boolean more = found.size() > query.pageSize();
    List<StoredPrediction> page = more ? found.subList(0, query.pageSize()) : found;
    String next = more ? PageToken.encode(page.getLast().cursor(), query.scope()) : "";
    return new Page(page.stream().map(HistoryProtos::record).toList(), next);
  }

  private <Q, R> void answer(StreamObserver<R> responses, HistoryCalls.Validation<Q> validation,
      HistoryCalls.Query<Q, R> query) {
    calls.answer(responses, validation, query);
  }
}
