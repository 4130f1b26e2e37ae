package io.churnwire.server;

import io.churnwire.history.Cursor;
import io.churnwire.history.Granularity;
import io.churnwire.history.PredictionFilter;
import io.churnwire.history.TimeRange;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetRiskDistributionRequest;
import io.churnwire.v1.ListCustomerPredictionsRequest;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.RiskBand;
import io.churnwire.v1.TimeGranularity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns {@code ChurnInsightsService} requests into store queries, naming every field it cannot
 * accept: page sizes beyond {@value #MAX_PAGE_SIZE}, tokens of another query, reversed time ranges,
 * unknown enum values, bucket counts outside 1 to {@value #MAX_BUCKETS}.
 */
final class InsightsRequests {
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1_000;
  static final int DEFAULT_BUCKETS = 10;
  static final int MAX_BUCKETS = 100;
  /** The most buckets one churn-over-time answer holds. */
  static final int MAX_TIME_BUCKETS = 10_000;

  private InsightsRequests() {}

  /** A page of predictions to read: what matches, where the page starts, and its size. */
  record PageQuery(PredictionFilter filter, Optional<Cursor> after, int pageSize, String scope) {}

  /** A histogram to compute. */
  record DistributionQuery(PredictionFilter filter, int bucketCount) {}

  /** A churn-over-time series to compute; start and end as asked, before defaults and rounding. */
  record TrendQuery(Granularity granularity, Optional<Instant> start, Optional<Instant> end,
      Optional<String> modelVersion) {}

  static TimeRange stats(GetPredictionStatsRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    violations.throwIfAny();
    return range;
  }

  static PageQuery list(ListPredictionsRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    int pageSize = violations.pageSize(request.getPageSize());
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    Optional<String> band = violations.riskBand(request.getRiskBand());
    Optional<String> version = violations.modelVersion(request.getModelVersion());
    violations.throwIfAny();
    String scope = String.join("|", "predictions", band.orElse(""), version.orElse(""), range.toString());
    return new PageQuery(new PredictionFilter(range, band, version, Optional.empty()),
        PageToken.decode(request.getPageToken(), scope), pageSize, scope);
  }

  static PageQuery customer(ListCustomerPredictionsRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    if (request.getCustomerId().isBlank()) {
      violations.add("customer_id", "is required");
    } else if (request.getCustomerId().length() > FeatureBinding.MAX_ID_LENGTH) {
      violations.add("customer_id", "must be at most " + FeatureBinding.MAX_ID_LENGTH + " characters, got "
          + request.getCustomerId().length());
    }
    int pageSize = violations.pageSize(request.getPageSize());
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    violations.throwIfAny();
    String scope = String.join("|", "customer", request.getCustomerId(), range.toString());
    return new PageQuery(new PredictionFilter(range, Optional.empty(), Optional.empty(),
        Optional.of(request.getCustomerId())), PageToken.decode(request.getPageToken(), scope), pageSize, scope);
  }

  static DistributionQuery distribution(GetRiskDistributionRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    int buckets = request.getBucketCount() == 0 ? DEFAULT_BUCKETS : request.getBucketCount();
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      violations.add("bucket_count", "must be between 1 and " + MAX_BUCKETS + " (0 for the default "
          + DEFAULT_BUCKETS + "), got " + request.getBucketCount());
    }
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    Optional<String> version = violations.modelVersion(request.getModelVersion());
    violations.throwIfAny();
    return new DistributionQuery(new PredictionFilter(range, Optional.empty(), version, Optional.empty()), buckets);
  }

  static TrendQuery churnOverTime(GetChurnOverTimeRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    Granularity granularity = switch (request.getGranularity()) {
      case TIME_GRANULARITY_UNSPECIFIED, TIME_GRANULARITY_DAY -> Granularity.DAY;
      case TIME_GRANULARITY_HOUR -> Granularity.HOUR;
      case TIME_GRANULARITY_WEEK -> Granularity.WEEK;
      case UNRECOGNIZED -> {
        violations.add("granularity", "unknown value " + request.getGranularityValue()
            + "; use TIME_GRANULARITY_HOUR, TIME_GRANULARITY_DAY or TIME_GRANULARITY_WEEK");
        yield Granularity.DAY;
      }
    };
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    Optional<String> version = violations.modelVersion(request.getModelVersion());
    violations.throwIfAny();
    return new TrendQuery(granularity, range.start(), range.end(), version);
  }
}
