package io.churnwire.server;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;

/** Requests that tests start from: one valid customer of each kind. */
final class Customers {
  private Customers() {}

  /** A new month-to-month customer paying by mailed check: high risk in any sensible model. */
  static PredictRequest risky() {
    return PredictRequest.newBuilder()
        .setCustomerId("0001-RISKY")
        .setInternetService(InternetService.INTERNET_SERVICE_YES)
        .setNumberDependents(0)
        .setNumberReferrals(0)
        .setSatisfactionScore(1)
        .setTenureInMonths(2)
        .setTotalLongDistanceCharges(20.5)
        .setTotalRevenue(180.0)
        .setContract(Contract.CONTRACT_MONTH_TO_MONTH)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_MAILED_CHECK)
        .build();
  }

  /** A long-standing, satisfied two-year customer: low risk. */
  static PredictRequest loyal() {
    return PredictRequest.newBuilder()
        .setCustomerId("0002-LOYAL")
        .setInternetService(InternetService.INTERNET_SERVICE_NO)
        .setNumberDependents(2)
        .setNumberReferrals(5)
        .setSatisfactionScore(5)
        .setTenureInMonths(70)
        .setTotalLongDistanceCharges(2500.0)
        .setTotalRevenue(7000.0)
        .setContract(Contract.CONTRACT_TWO_YEAR)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_CREDIT_CARD)
        .build();
  }
}
