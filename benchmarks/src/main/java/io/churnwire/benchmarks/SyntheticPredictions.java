package io.churnwire.benchmarks;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.history.CustomerFeatures;
import io.churnwire.history.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Predictions as a served history would hold them, in the order they were recorded, so a store can
 * be filled with millions of them through its own append path. Customers are the synthetic Telco
 * ones ({@link SyntheticTelcoData}), each scored many times over the span as tenure and revenue
 * grow; models are replaced in turn, each new one taking a share of the traffic in the week before
 * it takes over; probabilities come from a logistic score of the features; interfaces and methods
 * are mixed as clients use them. The same arguments give the same predictions.
 */
final class SyntheticPredictions {
  /** Model versions in the order they serve; the last serves at the end of the span. */
  static final List<String> MODEL_VERSIONS = List.of("sha256:3f9a1c07d2b84e65", "sha256:8c2e5d41a97f0b13",
      "sha256:b71d06e9c3a25f88", "sha256:e4056a7f19c8d2b0");

  private static final double[] THRESHOLDS = {0.50, 0.46, 0.48, 0.44};
  private static final double[] BIASES = {0.0, -0.1, 0.05, -0.05};
  private static final Duration CANARY = Duration.ofDays(7);
  private static final double CANARY_SHARE = 0.1;

  private final Instant start;
  private final Duration span;
  private final long rows;
  private final double[][] customers;
  private final Random random;
  private long produced;

  /**
   * {@code rows} predictions spread evenly over [{@code start}, {@code start + span}), of
   * {@code customerCount} customers, drawn with {@code seed}.
   */
  SyntheticPredictions(Instant start, Duration span, long rows, int customerCount, long seed) {
    if (rows <= 0 || customerCount <= 0) {
      throw new IllegalArgumentException("rows and customers must be positive, got " + rows + " and " + customerCount);
    }
    this.start = start;
    this.span = span;
    this.rows = rows;
    this.customers = new double[customerCount][];
    Iterator<double[]> telco = SyntheticTelcoData.rows(seed);
    for (int i = 0; i < customerCount; i++) {
      customers[i] = telco.next();
    }
    this.random = new Random(seed);
  }

  /** The customer id of customer {@code index}, in the IBM data's form (e.g. {@code 7590-VHVEG}); unique per index. */
  static String customerId(int index) {
    // 11,881,376 = 26^5; 7,919 is odd and not a multiple of 13, so this is one-to-one below that.
    long letters = (index * 7_919L + 104_729L) % 11_881_376L;
    char[] id = new char[10];
    long digits = (index * 48_271L) % 10_000;
    for (int i = 3; i >= 0; i--) {
      id[i] = (char) ('0' + digits % 10);
      digits /= 10;
    }
    id[4] = '-';
    for (int i = 9; i >= 5; i--) {
      id[i] = (char) ('A' + letters % 26);
      letters /= 26;
    }
    return new String(id);
  }

  /** Whether predictions remain. */
  boolean hasNext() {
    return produced < rows;
  }

  /** How many predictions have been produced. */
  long produced() {
    return produced;
  }

  /** The next {@code size} predictions (fewer at the end), oldest first. */
  List<PredictionRecord> next(int size) {
    int count = (int) Math.min(size, rows - produced);
    List<PredictionRecord> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(prediction(produced++));
    }
    return batch;
  }

  private PredictionRecord prediction(long index) {
    long step = span.toNanos() / rows;
    Instant at = start.plusNanos(index * step + (long) (random.nextDouble() * step));
    int version = version(at);
    int customer = random.nextInt(customers.length);
    double[] row = customers[customer];
    double monthsOn = Duration.between(start, at).toDays() / 30.0;
    int tenure = (int) Math.min(72, row[4] + monthsOn);
    double revenue = Math.round((row[6] + row[6] / Math.max(1, row[4]) * (tenure - row[4])) * 100) / 100.0;
    Integer satisfaction = random.nextDouble() < 0.03 ? null : (int) row[3];
    double logit = -2.0 + BIASES[version]
        + (row[7] == 0 ? 1.5 : row[7] == 1 ? 0.0 : -1.4)
        - 0.9 * Math.log(tenure / 12.0)
        + (row[0] == 0 ? 0.7 : -0.6)
        + (row[8] == 2 ? 0.7 : row[8] == 0 ? 0.45 : 0.0)
        - 0.5 * Math.min(row[2], 3)
        - 0.3 * Math.min(row[1], 2)
        - 0.8 * ((satisfaction == null ? 3 : satisfaction) - 3)
        + 0.35 * random.nextGaussian();
    double probability = 1 / (1 + Math.exp(-logit));
    double threshold = THRESHOLDS[version];
    String band = probability >= threshold ? "RISK_BAND_HIGH"
        : probability >= threshold / 2 ? "RISK_BAND_MEDIUM" : "RISK_BAND_LOW";
    double u = random.nextDouble();
    String interfaceName = u < 0.7 ? "PREDICTION_INTERFACE_GRPC" : u < 0.9 ? "PREDICTION_INTERFACE_REST"
        : "PREDICTION_INTERFACE_KAFKA";
    u = random.nextDouble();
    String method = interfaceName.equals("PREDICTION_INTERFACE_KAFKA") || u < 0.3 ? "PREDICTION_METHOD_PREDICT_BATCH"
        : u < 0.9 ? "PREDICTION_METHOD_PREDICT" : "PREDICTION_METHOD_BATCH_PREDICT";
    CustomerFeatures features = new CustomerFeatures(
        row[0] == 0 ? "INTERNET_SERVICE_YES" : "INTERNET_SERVICE_NO", (int) row[1], (int) row[2], satisfaction,
        tenure, row[5], revenue,
        row[7] == 0 ? "CONTRACT_MONTH_TO_MONTH" : row[7] == 1 ? "CONTRACT_ONE_YEAR" : "CONTRACT_TWO_YEAR",
        row[8] == 0 ? "PAYMENT_METHOD_BANK_WITHDRAWAL" : row[8] == 1 ? "PAYMENT_METHOD_CREDIT_CARD"
            : "PAYMENT_METHOD_MAILED_CHECK");
    String requestId = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
        (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    return new PredictionRecord(at, requestId, customerId(customer), MODEL_VERSIONS.get(version), probability,
        probability >= threshold, band, interfaceName, method, features);
  }

  /** Which model scored at {@code at}: each serves an equal part of the span, the next one canaried before it. */
  private int version(Instant at) {
    int versions = MODEL_VERSIONS.size();
    long part = span.toNanos() / versions;
    long elapsed = Duration.between(start, at).toNanos();
    int serving = (int) Math.min(versions - 1, elapsed / part);
    boolean canary = serving < versions - 1 && (serving + 1) * part - elapsed < CANARY.toNanos();
    return canary && random.nextDouble() < CANARY_SHARE ? serving + 1 : serving;
  }
}
