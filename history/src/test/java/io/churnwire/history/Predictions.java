package io.churnwire.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/** Predictions the store tests write, and the answers a plain scan of them gives. */
final class Predictions {
  private Predictions() {}

  static final CustomerFeatures FEATURES = new CustomerFeatures("INTERNET_SERVICE_FIBER_OPTIC", 2, 1, 3, 24,
      512.25, 2048.5, "CONTRACT_MONTH_TO_MONTH", "PAYMENT_METHOD_BANK_WITHDRAWAL");

  static PredictionRecord at(Instant time, String customer, String version, double probability) {
    String band = probability >= 0.7 ? "RISK_BAND_HIGH" : probability >= 0.3 ? "RISK_BAND_MEDIUM" : "RISK_BAND_LOW";
    return new PredictionRecord(time, "req-" + customer + "-" + time.toEpochMilli(), customer, version, probability,
        probability >= 0.5, band, "PREDICTION_INTERFACE_GRPC", "PREDICTION_METHOD_PREDICT", FEATURES);
  }

  /** {@code count} predictions spread at random over {@code hours} hours from {@code start}. */
  static List<PredictionRecord> random(Random random, Instant start, int hours, int count) {
    List<PredictionRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instant time = start.plusMillis((long) (random.nextDouble() * hours * 3_600_000L)).plusNanos(
          random.nextInt(1_000) * 1_000L);
      records.add(at(time, "c" + random.nextInt(50), "v" + random.nextInt(3), random.nextInt(1_001) / 1_000.0));
    }
    return records;
  }

  static Summary sum(List<PredictionRecord> records) {
    Summary total = Summary.EMPTY;
    for (PredictionRecord record : records) {
      total = total.plus(new Summary(1, record.willChurn() ? 1 : 0, record.probability()));
    }
    return total;
  }

  static <K extends Comparable<K>> Map<K, Summary> sumBy(List<PredictionRecord> records,
      Function<PredictionRecord, K> key) {
    Map<K, Summary> sums = new TreeMap<>();
    for (PredictionRecord record : records) {
      sums.merge(key.apply(record), new Summary(1, record.willChurn() ? 1 : 0, record.probability()), Summary::plus);
    }
    return sums;
  }
}
