package io.churnwire.datasets;

import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.ModelVersion;
import java.util.Iterator;
import java.util.Random;

/**
 * Deterministic synthetic customers with the nine {@link FeatureSchema#telco()} features, so demos
 * and tests can train a meaningful model without the IBM file.
 *
 * <p>Marginals follow the IBM extended data: about half the customers on month-to-month
 * contracts with short tenure, 78% with internet, few paying by mailed check, most without
 * referrals or dependents. Churn follows a logistic model in which month-to-month contracts, short
 * tenure, internet service, low satisfaction, mailed checks and bank withdrawals raise the risk
 * and referrals, dependents and long contracts lower it, with noise so that a good model reaches
 * a ROC AUC well above 0.5 but far from 1; about 26% of customers churn.
 *
 * <p>Generation uses {@link Random} (an algorithm the JDK specifies) and {@link StrictMath}, and
 * money is rounded to cents, so the same {@code (rows, seed)} gives byte-identical data on every
 * JVM. The hash is the SHA-256 of the data rendered as CSV by {@link TelcoCsv#write}; writing the
 * data out and reading it back gives the same rows and the same hash.
 */
public final class SyntheticTelcoData {

  /** Row count of the default demo data, the size of the IBM data set. */
  public static final int DEFAULT_ROWS = 7043;

  /** Seed of the default demo data. */
  public static final long DEFAULT_SEED = 42;

  private static final int INTERNET_YES = 0;
  private static final int MONTH_TO_MONTH = 0;
  private static final int ONE_YEAR = 1;
  private static final int BANK_WITHDRAWAL = 0;
  private static final int CREDIT_CARD = 1;
  private static final int MAILED_CHECK = 2;

  private SyntheticTelcoData() {}

  /** {@link #DEFAULT_ROWS} rows with {@link #DEFAULT_SEED}. */
  public static TrainingData generate() {
    return generate(DEFAULT_ROWS, DEFAULT_SEED);
  }

  /**
   * {@code rows} synthetic customers drawn with {@code seed}.
   *
   * @throws IllegalArgumentException if {@code rows} is negative
   */
  public static TrainingData generate(int rows, long seed) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    FeatureSchema schema = FeatureSchema.telco();
    Random random = new Random(seed);
    double[][] data = new double[rows][];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      Customer customer = customer(random);
      data[i] = customer.row();
      labels[i] = customer.churned() ? 1 : 0;
    }
    String sha256 = ModelVersion.sha256Hex(TelcoCsv.render(schema, data, labels));
    return new TrainingData(schema, data, labels, "synthetic(rows=" + rows + ",seed=" + seed + ")", sha256);
  }

  /**
   * The customers drawn with {@code seed}, one row at a time and without end: the first {@code n}
   * rows are those of {@code generate(n, seed)}, in order. Labels are drawn but not returned. For
   * streams of requests (a simulator, a load run) that should look like the demo data without
   * holding a whole data set in memory.
   */
  public static Iterator<double[]> rows(long seed) {
    Random random = new Random(seed);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public double[] next() {
        return customer(random).row();
      }
    };
  }

  private record Customer(int internet, int dependents, int referrals, int satisfaction, int tenure,
      double longDistance, double revenue, int contract, int payment, boolean churned) {

    double[] row() {
      return new double[] {internet, dependents, referrals, satisfaction, tenure, longDistance,
          revenue, contract, payment};
    }
  }

  private static Customer customer(Random random) {
    double u = random.nextDouble();
    int contract = u < 0.513 ? MONTH_TO_MONTH : u < 0.733 ? ONE_YEAR : 2;
    int tenure = switch (contract) {
      case MONTH_TO_MONTH -> clamp(1 + (int) (-17.0 * StrictMath.log(1 - random.nextDouble())), 1, 72);
      case ONE_YEAR -> clamp((int) StrictMath.round(41 + 18 * random.nextGaussian()), 1, 72);
      default -> clamp((int) StrictMath.round(55 + 16 * random.nextGaussian()), 1, 72);
    };
    int internet = random.nextDouble() < 0.783 ? INTERNET_YES : 1;
    boolean phone = internet != INTERNET_YES || random.nextDouble() < 0.87;

    u = random.nextDouble();
    double mailedCheckShare = contract == MONTH_TO_MONTH ? 0.08 : 0.03;
    int payment = u < mailedCheckShare ? MAILED_CHECK
        : u < mailedCheckShare + (contract == MONTH_TO_MONTH ? 0.30 : 0.48) ? CREDIT_CARD
        : BANK_WITHDRAWAL;

    u = random.nextDouble();
    int dependents = u < 0.77 ? 0 : u < 0.995 ? 1 + random.nextInt(3) : 4 + random.nextInt(6);
    u = random.nextDouble();
    int referrals = u < 0.54 ? 0 : u < 0.69 ? 1 : 2 + random.nextInt(10);

    double monthly = internet == INTERNET_YES
        ? clamp(72 + 22 * random.nextGaussian(), 35, 119) - (phone ? 0 : 20)
        : 20 + 5 * random.nextDouble();
    double averageLongDistance = phone ? 1 + 49 * random.nextDouble() : 0;
    double longDistance = cents(averageLongDistance * tenure);
    double charges = monthly * tenure * (0.95 + 0.1 * random.nextDouble());
    double revenue = cents(charges + longDistance);

    double risk = -2.0
        + (contract == MONTH_TO_MONTH ? 1.5 : contract == ONE_YEAR ? 0.0 : -1.4)
        - 0.9 * StrictMath.log(tenure / 12.0)
        + (internet == INTERNET_YES ? 0.7 : -0.6)
        + (payment == MAILED_CHECK ? 0.7 : payment == BANK_WITHDRAWAL ? 0.45 : 0.0)
        - 0.5 * Math.min(referrals, 3)
        - 0.3 * Math.min(dependents, 2)
        + 0.01 * (monthly - 65);
    double mood = 2.65 - 0.45 * risk + 0.75 * random.nextGaussian();
    int satisfaction = clamp((int) StrictMath.round(mood), 1, 5);
    double logit = risk - 0.8 * (satisfaction - 3) + 0.8 * random.nextGaussian();
    boolean churned = random.nextDouble() < 1 / (1 + StrictMath.exp(-logit));
    return new Customer(internet, dependents, referrals, satisfaction, tenure, longDistance,
        revenue, contract, payment, churned);
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  private static double cents(double amount) {
    return StrictMath.round(amount * 100) / 100.0;
  }
}
