package io.churnwire.client;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How the client retries {@code UNAVAILABLE} and {@code RESOURCE_EXHAUSTED} answers of its unary
 * calls. The retries are grpc-java's own (a service-config {@code retryPolicy}): they stay inside
 * the call's deadline, and when the server sends {@code grpc-retry-pushback-ms} (it does with every
 * overload answer, next to {@code google.rpc.RetryInfo}) the next attempt waits exactly that long
 * instead of the exponential backoff below.
 *
 * <p>Retried: {@code Predict}, {@code BatchPredict}, {@code GetModelMetadata} and every call of
 * {@code ChurnInsightsService} (all reads). The {@code PredictBatch} stream is never retried: its
 * items may already have been answered.
 *
 * @param maxAttempts       attempts per call, the first included; 1 turns retries off
 * @param initialBackoff    upper bound of the first randomised backoff when the server sent no pushback
 * @param maxBackoff        cap of the backoff
 * @param backoffMultiplier growth of the backoff bound per attempt
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double backoffMultiplier) {
  static final String SERVICE = "churnwire.v1.ChurnService";
  static final List<String> RETRIED_METHODS = List.of("Predict", "BatchPredict", "GetModelMetadata");
  /** Every method of this service is retried. */
  static final String INSIGHTS_SERVICE = "churnwire.v1.ChurnInsightsService";

  public RetrySettings {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be at least initialBackoff (" + initialBackoff + "), got " + maxBackoff);
    }
    if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
      throw new IllegalArgumentException("backoffMultiplier must be a finite number of at least 1, got "
          + backoffMultiplier);
    }
  }

  /** Five attempts, backoff from 100 ms doubling to 2 s; the server's pushback wins when it sends one. */
  public static RetrySettings defaults() {
    return new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0);
  }

  /** One attempt: every error reaches the caller at once. */
  public static RetrySettings none() {
    return new RetrySettings(1, Duration.ofMillis(100), Duration.ofMillis(100), 1.0);
  }

  public RetrySettings withMaxAttempts(int attempts) {
    return new RetrySettings(attempts, initialBackoff, maxBackoff, backoffMultiplier);
  }

  public RetrySettings withBackoff(Duration initial, Duration max, double multiplier) {
    return new RetrySettings(maxAttempts, initial, max, multiplier);
  }

  boolean enabled() {
    return maxAttempts > 1;
  }

  /** The service config grpc-java reads; numbers as doubles and durations as "1.5s", as in JSON. */
  Map<String, ?> serviceConfig() {
    Map<String, Object> retryPolicy = Map.of(
        "maxAttempts", (double) maxAttempts,
        "initialBackoff", seconds(initialBackoff),
        "maxBackoff", seconds(maxBackoff),
        "backoffMultiplier", backoffMultiplier,
        "retryableStatusCodes", List.of("UNAVAILABLE", "RESOURCE_EXHAUSTED"));
    List<Map<String, String>> names = Stream.concat(
            RETRIED_METHODS.stream().map(method -> Map.of("service", SERVICE, "method", method)),
            Stream.of(Map.of("service", INSIGHTS_SERVICE)))
        .toList();
    return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", retryPolicy)));
  }

  private static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
  }
}
