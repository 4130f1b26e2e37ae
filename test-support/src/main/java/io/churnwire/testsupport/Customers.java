package io.churnwire.testsupport;

import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests the modules' tests start from, written out field by field so that a test reads
 * what it sends; one set for every module, so the server, the clients and the gateway are tested
 * with the same customers.
 */
public final class Customers {
  private Customers() {}

  /** A new month-to-month customer paying by mailed check: high risk in any sensible model. */
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

  /** A long-standing, satisfied two-year customer: low risk. */
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

  /**
   * The README's example customer: new, month-to-month, paying by mailed check. It carries a
   * request id, so two answers to it compare equal.
   */
  public static PredictRequest readmeExample() {
    return PredictRequest.newBuilder()
        .setRequestId("readme-example")
        .setCustomerId("7590-VHVEG")
        .setInternetService(InternetService.INTERNET_SERVICE_YES)
        .setNumberDependents(0)
        .setNumberReferrals(0)
        .setSatisfactionScore(2)
        .setTenureInMonths(3)
        .setTotalLongDistanceCharges(31.2)
        .setTotalRevenue(250.5)
        .setContract(Contract.CONTRACT_MONTH_TO_MONTH)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_MAILED_CHECK)
        .build();
  }

  /**
   * {@code count} valid customers that differ in every feature, deterministically, each with its
   * own request id.
   */
  public static List<PredictRequest> varied(int count) {
    List<PredictRequest> customers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      customers.add(PredictRequest.newBuilder()
          .setRequestId("batch-" + i)
          .setCustomerId(String.format("%04d-BATCH", i))
          .setInternetService(i % 3 == 0 ? InternetService.INTERNET_SERVICE_NO : InternetService.INTERNET_SERVICE_YES)
          .setNumberDependents(i % 4)
          .setNumberReferrals(i % 7)
          .setSatisfactionScore(1 + i % 5)
          .setTenureInMonths(i % 72)
          .setTotalLongDistanceCharges(12.5 * (i % 40))
          .setTotalRevenue(40.0 + 61.25 * (i % 72))
          .setContract(Contract.forNumber(1 + i % 3))
          .setPaymentMethod(PaymentMethod.forNumber(1 + i % 3))
          .build());
    }
    return customers;
  }

  /** {@code request} as the {@code PredictBatch} item {@code id}. */
  public static PredictBatchRequest item(String id, PredictRequest request) {
    return PredictBatchRequest.newBuilder().setItemId(id).setRequest(request).build();
  }
}
