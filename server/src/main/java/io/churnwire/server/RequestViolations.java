package io.churnwire.server;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest.FieldViolation;
import io.churnwire.history.TimeRange;
import io.churnwire.v1.RiskBand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The field violations of one history request (insights or monitoring), collected so that the
 * answer names them all, with the checks those requests share phrased once.
 */
final class RequestViolations {
  private static final long MIN_SECONDS = -62_135_596_800L;
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final List<FieldViolation> found = new ArrayList<>();

  void add(String field, String description) {
    found.add(FieldViolation.newBuilder().setField(field).setDescription(description).build());
  }

  /** Whether a violation was found so far. */
  boolean any() {
    return !found.isEmpty();
  }

  int pageSize(int requested) {
    if (requested < 0 || requested > InsightsRequests.MAX_PAGE_SIZE) {
      add("page_size", "must be between 0 and " + InsightsRequests.MAX_PAGE_SIZE + " (0 for the default "
          + InsightsRequests.DEFAULT_PAGE_SIZE + "), got " + requested);
    }
    return requested == 0 ? InsightsRequests.DEFAULT_PAGE_SIZE : requested;
  }

  Optional<String> riskBand(RiskBand band) {
    if (band == RiskBand.UNRECOGNIZED) {
      add("risk_band", "unknown risk band; use RISK_BAND_LOW, RISK_BAND_MEDIUM or RISK_BAND_HIGH");
      return Optional.empty();
    }
    return band == RiskBand.RISK_BAND_UNSPECIFIED ? Optional.empty() : Optional.of(band.name());
  }

  Optional<String> modelVersion(String version) {
    if (version.length() > FeatureBinding.MAX_ID_LENGTH) {
      add("model_version", "must be at most " + FeatureBinding.MAX_ID_LENGTH + " characters, got "
          + version.length());
      return Optional.empty();
    }
    return version.isEmpty() ? Optional.empty() : Optional.of(version);
  }

  TimeRange range(boolean hasStart, Timestamp start, boolean hasEnd, Timestamp end) {
    Optional<Instant> from = hasStart ? instant("start_time", start) : Optional.empty();
    Optional<Instant> until = hasEnd ? instant("end_time", end) : Optional.empty();
    if (from.isPresent() && until.isPresent() && !from.get().isBefore(until.get())) {
      add("end_time", "must be after start_time (" + from.get() + "), got " + until.get());
      return TimeRange.ALL;
    }
    return new TimeRange(from, until);
  }

  /** {@code timestamp} as an instant, or empty with a violation on {@code field} when it is out of range. */
  Optional<Instant> instant(String field, Timestamp timestamp) {
    if (timestamp.getSeconds() < MIN_SECONDS || timestamp.getSeconds() > MAX_SECONDS
        || timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
      add(field, "is not a valid timestamp (years 1 to 9999)");
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
  }

  void throwIfAny() throws InvalidRequestException {
    if (!found.isEmpty()) {
      throw new InvalidRequestException(found);
    }
  }
}
