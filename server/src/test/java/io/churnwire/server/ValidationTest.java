package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.StreamRecorder;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation rule answers INVALID_ARGUMENT with a BadRequest naming the field. */
class ValidationTest {
  private static InProcessChurnwire churnwire;

  @BeforeAll
  static void start() throws Exception {
    churnwire = InProcessChurnwire.start(InProcessChurnwire.config());
  }

  @AfterAll
  static void stop() throws Exception {
    churnwire.close();
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        invalid("internet_service", "is required", b -> b.clearInternetService()),
        invalid("internet_service", "has unknown value 9", b -> b.setInternetServiceValue(9)),
        invalid("number_dependents", "is required", b -> b.clearNumberDependents()),
        invalid("number_dependents", "must be from 0 to 50, got -1", b -> b.setNumberDependents(-1)),
        invalid("number_dependents", "must be from 0 to 50, got 51", b -> b.setNumberDependents(51)),
        invalid("number_referrals", "is required", b -> b.clearNumberReferrals()),
        invalid("number_referrals", "must be from 0 to 1000, got -3", b -> b.setNumberReferrals(-3)),
        invalid("satisfaction_score", "is required", b -> b.clearSatisfactionScore()),
        invalid("satisfaction_score", "must be from 1 to 5, got 0", b -> b.setSatisfactionScore(0)),
        invalid("satisfaction_score", "must be from 1 to 5, got 6", b -> b.setSatisfactionScore(6)),
        invalid("tenure_in_months", "is required", b -> b.clearTenureInMonths()),
        invalid("tenure_in_months", "must be from 0 to 1200, got -1", b -> b.setTenureInMonths(-1)),
        invalid("tenure_in_months", "must be from 0 to 1200, got 1201", b -> b.setTenureInMonths(1201)),
        invalid("total_long_distance_charges", "is required", b -> b.clearTotalLongDistanceCharges()),
        invalid("total_long_distance_charges", "must be a finite number, got NaN",
            b -> b.setTotalLongDistanceCharges(Double.NaN)),
        invalid("total_long_distance_charges", "must be from 0 to", b -> b.setTotalLongDistanceCharges(-0.5)),
        invalid("total_revenue", "is required", b -> b.clearTotalRevenue()),
        invalid("total_revenue", "must be a finite number, got Infinity",
            b -> b.setTotalRevenue(Double.POSITIVE_INFINITY)),
        invalid("total_revenue", "must be a finite number, got -Infinity",
            b -> b.setTotalRevenue(Double.NEGATIVE_INFINITY)),
        invalid("contract", "is required; one of CONTRACT_MONTH_TO_MONTH, CONTRACT_ONE_YEAR, CONTRACT_TWO_YEAR",
            b -> b.setContract(Contract.CONTRACT_UNSPECIFIED)),
        invalid("contract", "has unknown value 7", b -> b.setContractValue(7)),
        invalid("payment_method", "is required", b -> b.setPaymentMethod(PaymentMethod.PAYMENT_METHOD_UNSPECIFIED)),
        invalid("request_id", "must be at most 256 characters", b -> b.setRequestId("r".repeat(257))),
        invalid("customer_id", "must be at most 256 characters", b -> b.setCustomerId("c".repeat(300))));
  }

  private static Arguments invalid(String field, String description, UnaryOperator<PredictRequest.Builder> change) {
    return Arguments.of(field, description, change);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalidRequests")
  void predict_invalidField_isInvalidArgumentWithThatFieldViolation(
      String field, String description, UnaryOperator<PredictRequest.Builder> change) {
    PredictRequest request = change.apply(Customers.loyal().toBuilder()).build();

    StatusRuntimeException error =
        assertThrows(StatusRuntimeException.class, () -> churnwire.blocking().predict(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    Map<String, String> violations = Errors.violations(error);
    assertEquals(1, violations.size(), violations::toString);
    assertTrue(violations.get(field).startsWith(description) || violations.get(field).contains(description),
        field + " -> " + violations.get(field));
  }

  @Test
  void predict_emptyRequest_listsEveryMissingFeature() {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> churnwire.blocking().predict(PredictRequest.getDefaultInstance()));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    assertEquals(9, Errors.violations(error).size(), Errors.violations(error)::toString);
    assertFalse(error.getStatus().getDescription().contains("Exception"), "no stack or class names leak");
  }

  @Test
  void predict_afterManyInvalidRequests_stillServesValidOnes() {
    for (int i = 0; i < 50; i++) {
      assertThrows(StatusRuntimeException.class,
          () -> churnwire.blocking().predict(PredictRequest.getDefaultInstance()));
    }

    assertTrue(churnwire.blocking().predict(Customers.risky()).hasPrediction());
  }

  @Test
  void predict_boundaryValues_areAccepted() {
    PredictRequest request = PredictRequest.newBuilder()
        .setInternetService(InternetService.INTERNET_SERVICE_NO)
        .setNumberDependents(0)
        .setNumberReferrals(0)
        .setSatisfactionScore(5)
        .setTenureInMonths(0)
        .setTotalLongDistanceCharges(0)
        .setTotalRevenue(0)
        .setContract(Contract.CONTRACT_ONE_YEAR)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL)
        .build();

    assertTrue(churnwire.blocking().predict(request).hasPrediction());
  }

  @Test
  void batchPredict_itemIdLongerThan256Characters_isThatItemsInvalidArgumentNamingItemId() {
    String longId = "i".repeat(300);
    BatchPredictRequest batch = BatchPredictRequest.newBuilder()
        .addItems(PredictBatchRequest.newBuilder().setItemId(longId).setRequest(Customers.risky()))
        .addItems(PredictBatchRequest.newBuilder().setItemId("fine").setRequest(Customers.risky()))
        .build();

    BatchPredictResponse response = churnwire.blocking().batchPredict(batch);

    PredictBatchResponse tooLong = response.getResults(0);
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), tooLong.getError().getCode());
    assertEquals(Map.of("item_id", "must be at most 256 characters, got 300"), Errors.violations(tooLong.getError()));
    assertEquals(longId, tooLong.getItemId());
    assertTrue(response.getResults(1).hasResponse());
  }

  @Test
  void predictBatch_itemIdLongerThan256Characters_isAnsweredInvalidArgumentAndTheStreamGoesOn() throws Exception {
    StreamRecorder<PredictBatchResponse> recorder = StreamRecorder.create();
    StreamObserver<PredictBatchRequest> requests = churnwire.async().predictBatch(recorder);

    requests.onNext(PredictBatchRequest.newBuilder().setItemId("x".repeat(257)).setRequest(Customers.risky()).build());
    requests.onNext(PredictBatchRequest.newBuilder().setItemId("next").setRequest(Customers.risky()).build());
    requests.onCompleted();

    assertTrue(recorder.awaitCompletion(10, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(null, recorder.getError());
    java.util.List<PredictBatchResponse> answers = recorder.getValues();
    assertEquals(2, answers.size());
    PredictBatchResponse tooLong = answers.stream().filter(a -> a.getItemId().length() == 257).findFirst().orElseThrow();
    assertEquals(Map.of("item_id", "must be at most 256 characters, got 257"), Errors.violations(tooLong.getError()));
    assertTrue(answers.stream().anyMatch(a -> a.getItemId().equals("next") && a.hasResponse()));
  }
}
