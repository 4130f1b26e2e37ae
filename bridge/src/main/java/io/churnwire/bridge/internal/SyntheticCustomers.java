package io.churnwire.bridge.internal;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import java.util.SplittableRandom;

/**
 * Plausible random customers for the simulator and the benchmark when no CSV is at hand. The same
 * seed gives the same customers, so a demo or a benchmark run can be repeated.
 */
public final class SyntheticCustomers {

  private final SplittableRandom random;
  private long next;

  /** A generator whose sequence depends only on the seed. */
  public SyntheticCustomers(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The next customer, with id {@code SYN-000001}, {@code SYN-000002}, ... */
  public PredictRequest next() {
    next++;
    int tenure = 1 + random.nextInt(72);
    double longDistance = round(tenure * random.nextDouble(0, 50));
    double revenue = round(tenure * random.nextDouble(18, 120) + longDistance);
    return PredictRequest.newBuilder()
        .setCustomerId("SYN-%06d".formatted(next))
        .setInternetService(random.nextInt(100) < 78 ? InternetService.INTERNET_SERVICE_YES
            : InternetService.INTERNET_SERVICE_NO)
        .setNumberDependents(random.nextInt(100) < 77 ? 0 : 1 + random.nextInt(3))
        .setNumberReferrals(random.nextInt(100) < 55 ? 0 : 1 + random.nextInt(10))
        .setSatisfactionScore(1 + random.nextInt(5))
        .setTenureInMonths(tenure)
        .setTotalLongDistanceCharges(longDistance)
        .setTotalRevenue(revenue)
        .setContract(switch (random.nextInt(10)) {
          case 0, 1, 2, 3, 4 -> Contract.CONTRACT_MONTH_TO_MONTH;
          case 5, 6 -> Contract.CONTRACT_ONE_YEAR;
          default -> Contract.CONTRACT_TWO_YEAR;
        })
        .setPaymentMethod(switch (random.nextInt(10)) {
          case 0, 1, 2, 3, 4 -> PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL;
          case 5, 6, 7 -> PaymentMethod.PAYMENT_METHOD_CREDIT_CARD;
          default -> PaymentMethod.PAYMENT_METHOD_MAILED_CHECK;
        })
        .build();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
