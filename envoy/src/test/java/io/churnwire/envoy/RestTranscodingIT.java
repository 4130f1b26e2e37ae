package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.GetModelMetadataResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * REST through the real Envoy and {@code envoy/envoy.yaml}: every mapping of the protos answers
 * exactly what gRPC answers, and every kind of bad request gets an honest status with a JSON
 * {@code google.rpc.Status}, never a 503.
 */
class RestTranscodingIT {
  private static RestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RestGateway.start(config -> config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void postPredict_answersExactlyWhatGrpcAnswers_withProtoFieldNames() throws Exception {
    PredictRequest customer = Customers.readmeExample();

    HttpResponse<String> rest = gateway.post("/v1/customers:predict", json(customer));
    PredictResponse grpc = gateway.grpc().predict(customer);

    assertEquals(200, rest.statusCode(), rest::body);
    assertTrue(rest.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    assertTrue(rest.body().contains("\"churn_probability\":"), rest::body);
    assertTrue(rest.body().contains("\"will_churn\":"), rest::body);
    assertEquals(grpc, parse(rest.body(), PredictResponse.newBuilder(), PredictResponse.class));
  }

  @Test
  void getPredict_withFlatQueryParameters_answersExactlyWhatGrpcAnswers() throws Exception {
    PredictRequest customer = Customers.varied(5).get(4);
    String query = RestGateway.query(customer);

    HttpResponse<String> rest = gateway.get("/v1/customers:predict" + query);
    PredictResponse grpc = gateway.grpc().predict(customer);

    assertTrue(query.contains("tenure_in_months=4&") && query.contains("contract=CONTRACT_ONE_YEAR"), query);
    assertEquals(200, rest.statusCode(), rest::body);
    assertEquals(grpc, parse(rest.body(), PredictResponse.newBuilder(), PredictResponse.class));
  }

  @Test
  void postBatchPredict_scoresManyCustomersInOrder_andAnswersABadItemOnItsOwn() throws Exception {
    List<PredictRequest> customers = Customers.varied(300);
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    for (int i = 0; i < customers.size(); i++) {
      PredictRequest customer = i == 150 ? customers.get(i).toBuilder().setSatisfactionScore(0).build() : customers.get(i);
      batch.addItems(PredictBatchRequest.newBuilder().setItemId("item-" + i).setRequest(customer));
    }

    HttpResponse<String> rest = gateway.post("/v1/customers:batchPredict", json(batch.build()));
    BatchPredictResponse grpc = gateway.grpc().batchPredict(batch.build());

    assertEquals(200, rest.statusCode(), rest::body);
    BatchPredictResponse answer = parse(rest.body(), BatchPredictResponse.newBuilder(), BatchPredictResponse.class);
    assertEquals(grpc, answer);
    assertEquals(300, answer.getResultsCount());
    for (int i = 0; i < 300; i++) {
      PredictBatchResponse result = answer.getResults(i);
      assertEquals("item-" + i, result.getItemId());
      assertEquals(i != 150, result.hasResponse(), result::toString);
    }
    assertEquals(Map.of("request.satisfaction_score", "must be from 1 to 5, got 0"),
        violations(answer.getResults(150).getError()));
  }

  @Test
  void getModel_describesTheServedModel_exactlyAsGrpcDoes() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/model");
    GetModelMetadataResponse grpc = gateway.grpc().getModelMetadata(GetModelMetadataRequest.getDefaultInstance());

    assertEquals(200, rest.statusCode(), rest::body);
    GetModelMetadataResponse answer =
        parse(rest.body(), GetModelMetadataResponse.newBuilder(), GetModelMetadataResponse.class);
    assertEquals(grpc, answer);
    assertEquals(9, answer.getModel().getFeaturesCount());
    assertTrue(rest.body().contains("\"decision_threshold\":"), rest::body);
  }

  @Test
  void postPredict_withInvalidFields_is400WithAStatusListingEveryFieldViolation() throws Exception {
    PredictRequest invalid = Customers.readmeExample().toBuilder()
        .setSatisfactionScore(9)
        .setTenureInMonths(-1)
        .clearContract()
        .build();

    HttpResponse<String> rest = gateway.post("/v1/customers:predict", json(invalid));

    assertEquals(400, rest.statusCode(), rest::body);
    assertTrue(rest.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(rest.body().contains("\"@type\":\"type.googleapis.com/google.rpc.BadRequest\""), rest::body);
    assertTrue(rest.body().contains("\"field_violations\":"), rest::body);
    Map<String, String> violations = violations(status);
    assertEquals(List.of("contract", "satisfaction_score", "tenure_in_months"),
        violations.keySet().stream().sorted().toList());
    assertEquals("must be from 1 to 5, got 9", violations.get("satisfaction_score"));
  }

  @Test
  void getPredict_withAValueOfTheWrongType_is400() throws Exception {
    HttpResponse<String> rest = gateway.get("/v1/customers:predict?tenure_in_months=three");

    assertEquals(400, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("tenure_in_months"), status::getMessage);
  }

  @Test
  void getPredict_withAnUnknownQueryParameter_is400NamingIt() throws Exception {
    String query = RestGateway.query(Customers.readmeExample()) + "&tenure_in_years=1";

    HttpResponse<String> rest = gateway.get("/v1/customers:predict" + query);

    assertEquals(400, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("tenure_in_years"), status::getMessage);
  }

  @Test
  void postPredict_withMalformedJson_is400() throws Exception {
    HttpResponse<String> rest = gateway.post("/v1/customers:predict", "{\"tenure_in_months\": 3,");

    assertEquals(400, rest.statusCode(), rest::body);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status(rest).getCode());
  }

  @Test
  void unknownPathsAndMethods_are404WithAStatus() throws Exception {
    List<HttpResponse<String>> answers = List.of(
        gateway.get("/v1/customers"),
        gateway.get("/healthz"),
        gateway.post("/v1/customers:explain", json(Customers.readmeExample())),
        gateway.post("/v2/customers:predict", json(Customers.readmeExample())),
        gateway.send(HttpRequest.newBuilder(gateway.envoy.rest("/v1/model")).DELETE()),
        gateway.post("/churnwire.v1.ChurnService/Predict", json(Customers.readmeExample())));

    for (HttpResponse<String> answer : answers) {
      String request = answer.request().method() + " " + answer.request().uri().getPath();
      assertEquals(404, answer.statusCode(), () -> request + " -> " + answer.body());
      assertEquals(Code.NOT_FOUND_VALUE, status(answer).getCode(), request);
    }
  }

  @Test
  void postBatchPredict_overOneMebibyte_is413() throws Exception {
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    Customers.varied(4_000).forEach(customer -> batch.addItems(PredictBatchRequest.newBuilder().setRequest(customer)));
    String body = json(batch.build());

    HttpResponse<String> rest = gateway.post("/v1/customers:batchPredict", body);

    assertTrue(body.length() > 1_048_576, "the body must exceed the 1 MiB limit, was " + body.length());
    assertEquals(413, rest.statusCode(), rest::body);
    Status status = status(rest);
    assertEquals(Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("larger than 1 MiB"), status::getMessage);
  }

  @Test
  void postBatchPredict_overTheServersItemLimit_is400NamingItems() throws Exception {
    BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
    Customers.varied(1_001).forEach(customer -> batch.addItems(PredictBatchRequest.newBuilder().setRequest(customer)));

    HttpResponse<String> rest = gateway.post("/v1/customers:batchPredict", json(batch.build()));

    assertEquals(400, rest.statusCode(), rest::body);
    assertEquals(List.of("items"), List.copyOf(violations(status(rest)).keySet()));
  }

  @Test
  void everyOperationOfTheShippedOpenApi_isRoutedByEnvoy() throws Exception {
    Map<String, List<String>> operations = OpenApi.operations(OpenApi.shipped());

    assertEquals(Map.ofEntries(
            Map.entry("/v1/customers:predict", List.of("get", "post")),
            Map.entry("/v1/customers:batchPredict", List.of("post")),
            Map.entry("/v1/model", List.of("get")),
            Map.entry("/v1/stats", List.of("get")),
            Map.entry("/v1/predictions", List.of("get")),
            Map.entry("/v1/customers/{customer_id}/predictions", List.of("get")),
            Map.entry("/v1/stats:riskDistribution", List.of("get")),
            Map.entry("/v1/stats:churnOverTime", List.of("get")),
            Map.entry("/v1/outcomes", List.of("post")),
            Map.entry("/v1/monitoring/performance", List.of("get")),
            Map.entry("/v1/monitoring/drift", List.of("get"))),
        operations);
    for (Map.Entry<String, List<String>> path : operations.entrySet()) {
      String concrete = path.getKey().replace("{customer_id}", "7590-VHVEG");
      for (String method : path.getValue()) {
        HttpResponse<String> answer = method.equals("get")
            ? gateway.get(concrete)
            : gateway.post(concrete, "{}");
        assertFalse(answer.statusCode() == 404 || answer.statusCode() >= 500,
            () -> method + " " + path.getKey() + " -> " + answer.statusCode() + " " + answer.body());
      }
    }
  }

  private static Map<String, String> violations(Status status) {
    return RestGateway.fieldViolations(status).stream()
        .collect(Collectors.toMap(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription));
  }

}
