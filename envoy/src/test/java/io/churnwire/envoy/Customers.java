package io.churnwire.envoy;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Customers the REST tests score, and the flat query string a REST client sends for one. */
final class Customers {
  private Customers() {}

  /** The README's example customer: new, month-to-month, paying by mailed check. */
  static PredictRequest readmeExample() {
    return PredictRequest.newBuilder()
        .setRequestId("rest-readme-example")
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

  /** {@code count} valid customers that differ in every feature, deterministically. */
  static List<PredictRequest> varied(int count) {
    List<PredictRequest> customers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      customers.add(PredictRequest.newBuilder()
          .setRequestId("rest-batch-" + i)
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

  /** Every set field of {@code request} as a flat query parameter, enums by name. */
  static String query(PredictRequest request) {
    StringJoiner query = new StringJoiner("&", "?", "");
    for (Map.Entry<FieldDescriptor, Object> field : request.getAllFields().entrySet()) {
      Object value = field.getValue();
      String text = value instanceof EnumValueDescriptor e ? e.getName() : value.toString();
      query.add(field.getKey().getName() + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
    }
    return query.toString();
  }
}
