package io.churnwire.client;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;

/** Requests the tests start from. */
public final class Customers {
  private Customers() {}

  /** A new month-to-month customer paying by mailed check. */
  public static PredictRequest risky() {
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

  /** A long-standing, satisfied two-year customer. */
  public static PredictRequest loyal() {
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

  /** No contract and a satisfaction score outside 1-5: two violations. */
  public static PredictRequest invalid() {
    return risky().toBuilder().setCustomerId("0003-BAD").clearContract().setSatisfactionScore(9).build();
  }

  public static PredictBatchRequest item(String id, PredictRequest request) {
    return PredictBatchRequest.newBuilder().setItemId(id).setRequest(request).build();
  }
}
