package io.churnwire.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.churnwire.client.ChurnClient;
import io.churnwire.client.ChurnClientException;
import io.churnwire.client.FieldViolation;
import io.churnwire.client.InvalidRequestException;
import io.churnwire.config.Values;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.Prediction;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Scores one customer given as options. Nothing is checked locally beyond types: a missing or
 * out-of-range feature goes to the server, whose answer lists every bad field, so the tool never
 * disagrees with the model's own schema.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Scores one customer and prints the churn probability, decision and risk band.")
final class PredictCommand implements Callable<Integer> {
  /** Prints false and zero values too: a field missing from the output would look like no answer. */
  private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

  @Spec
  private CommandSpec spec;

  /** The connection settings ({@link CliSettings#PREDICT}), listed below the options by {@code --help}. */
  @Unmatched
  private List<String> settings = new ArrayList<>();

  @Option(names = "--customer-id", description = "Customer identifier, echoed back.")
  private String customerId;

  @Option(names = "--request-id", description = "Request id, echoed back; the server assigns one when absent.")
  private String requestId;

  @Option(names = "--internet-service", converter = Converters.InternetServiceConverter.class,
      description = "yes or no.")
  private InternetService internetService;

  @Option(names = "--number-dependents", description = "Dependents living with the customer.")
  private Integer numberDependents;

  @Option(names = "--number-referrals", description = "Friends the customer has referred.")
  private Integer numberReferrals;

  @Option(names = "--satisfaction-score", description = "Last survey score, 1 to 5.")
  private Integer satisfactionScore;

  @Option(names = "--tenure-in-months", description = "Months with the company.")
  private Integer tenureInMonths;

  @Option(names = "--total-long-distance-charges", description = "Long-distance charges over the tenure, dollars.")
  private Double totalLongDistanceCharges;

  @Option(names = "--total-revenue", description = "Revenue over the tenure, dollars.")
  private Double totalRevenue;

  @Option(names = "--contract", converter = Converters.ContractConverter.class,
      description = "month-to-month, one-year or two-year.")
  private Contract contract;

  @Option(names = "--payment-method", converter = Converters.PaymentMethodConverter.class,
      description = "bank-withdrawal, credit-card or mailed-check.")
  private PaymentMethod paymentMethod;

  @Option(names = "--json", description = "Print the response as JSON (proto3 JSON mapping).")
  private boolean json;

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Values> values = ChurnCli.resolve(CliSettings.PREDICT, settings, err);
    if (values.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    Optional<ChurnClient> connected = ChurnCli.connect(values.get(), values.get().get(CliSettings.TIMEOUT), err);
    if (connected.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    try (ChurnClient client = connected.get()) {
      PredictResponse response = client.predict(request());
      if (json) {
        out.println(JSON.print(response));
      } else {
        print(out, response);
      }
      return 0;
    } catch (InvalidRequestException e) {
      err.println("churnwire: the server refused the request as invalid:");
      for (FieldViolation violation : e.violations()) {
        err.println("  " + violation.field() + ": " + violation.description());
      }
      return ChurnCli.EXIT_INVALID;
    } catch (ChurnClientException e) {
      err.println("churnwire: predict failed: " + e.getMessage());
      return ChurnCli.EXIT_FAILED;
    }
  }

  private PredictRequest request() {
    PredictRequest.Builder request = PredictRequest.newBuilder();
    if (customerId != null) {
      request.setCustomerId(customerId);
    }
    if (requestId != null) {
      request.setRequestId(requestId);
    }
    if (internetService != null) {
      request.setInternetService(internetService);
    }
    if (numberDependents != null) {
      request.setNumberDependents(numberDependents);
    }
    if (numberReferrals != null) {
      request.setNumberReferrals(numberReferrals);
    }
    if (satisfactionScore != null) {
      request.setSatisfactionScore(satisfactionScore);
    }
    if (tenureInMonths != null) {
      request.setTenureInMonths(tenureInMonths);
    }
    if (totalLongDistanceCharges != null) {
      request.setTotalLongDistanceCharges(totalLongDistanceCharges);
    }
    if (totalRevenue != null) {
      request.setTotalRevenue(totalRevenue);
    }
    if (contract != null) {
      request.setContract(contract);
    }
    if (paymentMethod != null) {
      request.setPaymentMethod(paymentMethod);
    }
    return request.build();
  }

  private static void print(PrintWriter out, PredictResponse response) {
    Prediction prediction = response.getPrediction();
    if (!response.getCustomerId().isEmpty()) {
      out.println("customer          " + response.getCustomerId());
    }
    out.println("request id        " + response.getRequestId());
    out.println("churn probability " + String.format(Locale.ROOT, "%.4f", prediction.getChurnProbability()));
    out.println("will churn        " + (prediction.getWillChurn() ? "yes" : "no")
        + String.format(Locale.ROOT, " (threshold %.4f)", prediction.getDecisionThreshold()));
    out.println("risk band         " + prediction.getRiskBand().name().substring("RISK_BAND_".length()));
    out.println("model version     " + prediction.getModelVersion());
  }
}
