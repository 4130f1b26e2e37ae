package io.churnwire.cli;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import java.util.SplittableRandom;

/**
 * Random customers for load runs: valid ones spread over the whole accepted range of every feature,
 * so the server scores varied rows rather than one cached path, and, on request, invalid ones that
 * break one or two features the way real callers do (a field left out, a value out of range).
 * Not thread-safe: one issuing thread owns it.
 */
final class RandomCustomers {
  private static final InternetService[] INTERNET = {InternetService.INTERNET_SERVICE_YES, InternetService.INTERNET_SERVICE_NO};
  private static final Contract[] CONTRACTS =
      {Contract.CONTRACT_MONTH_TO_MONTH, Contract.CONTRACT_ONE_YEAR, Contract.CONTRACT_TWO_YEAR};
  private static final PaymentMethod[] PAYMENTS = {PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL,
      PaymentMethod.PAYMENT_METHOD_CREDIT_CARD, PaymentMethod.PAYMENT_METHOD_MAILED_CHECK};

  private final SplittableRandom random;
  private long counter;

  RandomCustomers(SplittableRandom random) {
    this.random = random;
  }

  PredictRequest valid() {
    int tenure = random.nextInt(73);
    double monthly = 18 + random.nextDouble() * 100;
    double longDistance = tenure * random.nextDouble() * 50;
    return PredictRequest.newBuilder()
        .setCustomerId(String.format("LOAD-%08d", ++counter))
        .setInternetService(INTERNET[random.nextInt(INTERNET.length)])
        .setNumberDependents(random.nextInt(4))
        .setNumberReferrals(random.nextInt(11))
        .setSatisfactionScore(1 + random.nextInt(5))
        .setTenureInMonths(tenure)
        .setTotalLongDistanceCharges(Math.round(longDistance * 100) / 100.0)
        .setTotalRevenue(Math.round((tenure * monthly + longDistance) * 100) / 100.0)
        .setContract(CONTRACTS[random.nextInt(CONTRACTS.length)])
        .setPaymentMethod(PAYMENTS[random.nextInt(PAYMENTS.length)])
        .build();
  }

  PredictRequest invalid() {
    PredictRequest.Builder request = valid().toBuilder();
    switch (random.nextInt(4)) {
      case 0 -> request.clearContract();
      case 1 -> request.setSatisfactionScore(6 + random.nextInt(10));
      case 2 -> request.clearTenureInMonths().clearPaymentMethod();
      default -> request.setTotalRevenue(-1 - random.nextDouble() * 100);
    }
    return request.build();
  }
}
