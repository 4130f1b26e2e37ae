package io.churnwire.server;

import io.churnwire.history.OutcomeRecord;
import io.churnwire.history.TimeRange;
import io.churnwire.runtime.ModelVersion;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.RecordOutcomesRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns {@code ChurnMonitoringService} requests into work for the store, naming every field it
 * cannot accept: an outcome batch that is empty or too large, an outcome without a customer, a
 * churn flag or an observation time, or observed in the future; a model version that is not one;
 * a reversed time range.
 */
final class MonitoringRequests {
  /** How far in the future an observation time may be, for the clocks of caller and server to differ. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private MonitoringRequests() {}

  /** A performance measure to compute: the model version (the served one when empty) and the prediction times. */
  record PerformanceQuery(Optional<String> modelVersion, TimeRange range) {}

  /** A drift measure to compute: the model version and the window as asked, before defaults. */
  record DriftQuery(Optional<String> modelVersion, Optional<Instant> start, Optional<Instant> end) {}

  /**
   * The outcomes of {@code request}, all valid: at least one and at most {@code maxBatch}, each
   * with a customer id of 1 to {@value FeatureBinding#MAX_ID_LENGTH} printable characters, a churn
   * flag and an observation time no more than {@link #CLOCK_SKEW} after {@code now}.
   *
   * @throws InvalidRequestException with one violation per bad field of every bad outcome
   */
  static List<OutcomeRecord> outcomes(RecordOutcomesRequest request, int maxBatch, Instant now)
      throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    int count = request.getOutcomesCount();
    if (count == 0) {
      violations.add("outcomes", "must hold at least one outcome");
    } else if (count > maxBatch) {
      violations.add("outcomes", "must hold at most " + maxBatch + " outcomes (--outcomes-max-batch), got " + count);
    }
    violations.throwIfAny();
    List<OutcomeRecord> outcomes = new ArrayList<>(count);
    Instant latest = now.plus(CLOCK_SKEW);
    for (int i = 0; i < count; i++) {
      Outcome outcome = request.getOutcomes(i);
      String field = "outcomes[" + i + "].";
      customerId(violations, field + "customer_id", outcome.getCustomerId());
      if (!outcome.hasChurned()) {
        violations.add(field + "churned", "is required: true when the customer left, false when still a customer");
      }
      Optional<Instant> observed = Optional.empty();
      if (!outcome.hasObserveTime()) {
        violations.add(field + "observe_time", "is required");
      } else {
        observed = violations.instant(field + "observe_time", outcome.getObserveTime());
        if (observed.isPresent() && observed.get().isAfter(latest)) {
          violations.add(field + "observe_time", "is in the future (" + observed.get() + ", now " + now
              + "); at most " + CLOCK_SKEW.toMinutes() + " minutes of clock skew are tolerated");
          observed = Optional.empty();
        }
      }
      if (!violations.any() && observed.isPresent()) {
        outcomes.add(new OutcomeRecord(outcome.getCustomerId(), outcome.getChurned(), observed.get()));
      }
    }
    violations.throwIfAny();
    return List.copyOf(outcomes);
  }

  static PerformanceQuery performance(GetModelPerformanceRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    Optional<String> version = modelVersion(violations, request.getModelVersion());
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    violations.throwIfAny();
    return new PerformanceQuery(version, range);
  }

  static DriftQuery drift(GetFeatureDriftRequest request) throws InvalidRequestException {
    RequestViolations violations = new RequestViolations();
    Optional<String> version = modelVersion(violations, request.getModelVersion());
    TimeRange range = violations.range(request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    violations.throwIfAny();
    return new DriftQuery(version, range.start(), range.end());
  }

  private static void customerId(RequestViolations violations, String field, String id) {
    if (id.isBlank()) {
      violations.add(field, "is required");
    } else if (id.length() > FeatureBinding.MAX_ID_LENGTH) {
      violations.add(field, "must be at most " + FeatureBinding.MAX_ID_LENGTH + " characters, got " + id.length());
    } else if (!id.codePoints().allMatch(MonitoringRequests::printable)) {
      violations.add(field, "must be printable: no control or unassigned characters");
    }
  }

  private static boolean printable(int codePoint) {
    return !Character.isISOControl(codePoint) && Character.isDefined(codePoint)
        && Character.getType(codePoint) != Character.SURROGATE;
  }

  private static Optional<String> modelVersion(RequestViolations violations, String version) {
    if (version.isEmpty()) {
      return Optional.empty();
    }
    if (!ModelVersion.PATTERN.matcher(version).matches()) {
      violations.add("model_version", "must be a model version such as sha256:0123456789abcdef, or empty for the"
          + " served one; got '" + SafeLog.value(version, 40) + "'");
      return Optional.empty();
    }
    return Optional.of(version);
  }
}
