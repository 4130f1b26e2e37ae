package io.churnwire.cli;

import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of a load run: how many calls were made and how they ended, throughput, and the
 * latency percentiles of the successful ones (a call cut short by its deadline would only measure
 * the deadline).
 *
 * @param target     server address
 * @param planned    requests asked for
 * @param completed  calls that ended, successfully or not
 * @param ok         calls answered with a prediction
 * @param failures   failed calls by status code
 * @param retries    retry attempts the client made on top of the calls
 * @param elapsed    from the first call issued to the last one ended
 * @param latency    latencies of the successful calls
 * @param stoppedBy  why issuing stopped before {@code planned}, or empty when it did not
 */
record LoadReport(String target, int planned, long completed, long ok, Map<Status.Code, Long> failures,
    long retries, Duration elapsed, LatencySummary latency, String stoppedBy) {

  LoadReport {
    failures = Map.copyOf(failures);
  }

  long failed() {
    return completed - ok;
  }

  double throughput() {
    return elapsed.isZero() ? 0 : completed / (elapsed.toNanos() / 1e9);
  }

  String format() {
    double seconds = elapsed.toNanos() / 1e9;
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "churnwire load report: %s%n", target));
    report.append(String.format(Locale.ROOT, "  requests    %d planned, %d completed in %.2f s%s%n",
        planned, completed, seconds, stoppedBy.isEmpty() ? "" : " (stopped early: " + stoppedBy + ")"));
    report.append(String.format(Locale.ROOT, "  outcome     %d ok, %d failed%s%n", ok, failed(),
        failures.isEmpty() ? "" : " (" + failureList() + ")"));
    report.append(String.format(Locale.ROOT, "  retries     %d%n", retries));
    report.append(String.format(Locale.ROOT, "  throughput  %.1f calls/s (%.1f ok/s)%n",
        throughput(), seconds == 0 ? 0 : ok / seconds));
    report.append(String.format(Locale.ROOT, "  latency ok  %s%n", latency.format()));
    return report.toString();
  }

  private String failureList() {
    return failures.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
