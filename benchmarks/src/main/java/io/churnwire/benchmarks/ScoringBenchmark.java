package io.churnwire.benchmarks;

import io.churnwire.model.Algorithm;
import io.churnwire.model.ChurnModel;
import io.churnwire.model.Explanation;
import io.churnwire.model.FeatureSchema;
import io.churnwire.model.SyntheticTelcoData;
import io.churnwire.model.TelcoCsv;
import io.churnwire.model.TrainingData;
import io.churnwire.model.TrainingOptions;
import io.churnwire.server.FeatureBinding;
import io.churnwire.server.InvalidRequestException;
import io.churnwire.server.ServingModel;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-row scoring cost, split into its parts so a regression can be located: the model alone,
 * request validation alone, the whole in-server path (validate, score, build the answer), and the
 * same path with an explanation (TreeSHAP or linear SHAP, top five factors), which clients opt in
 * to per request because it costs much more.
 *
 * <p>{@code -p data=/path/to/telco_customer_churn.csv} trains on the real data set instead of the
 * built-in synthetic one; {@code -p algorithm=rf} (or {@code gbt}, {@code logistic}) picks the
 * learner, with the hyper-parameters of the bundled params file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ScoringBenchmark {
  @Param({""})
  public String data;

  @Param({"gbt", "rf", "logistic"})
  public String algorithm;

  private ChurnModel model;
  private ServingModel serving;
  private FeatureBinding binding;
  private PredictRequest request;
  private double[] row;

  @Setup(Level.Trial)
  public void train() throws IOException, InvalidRequestException {
    TrainingData training = data.isEmpty()
        ? SyntheticTelcoData.generate(7_043, 42L)
        : TelcoCsv.read(Path.of(data), FeatureSchema.telco());
    model = ChurnModel.train(training,
        TrainingOptions.defaults().withAlgorithms(Algorithm.fromShortName(algorithm)));
    serving = ServingModel.of(model);
    binding = serving.binding();
    request = PredictRequest.newBuilder()
        .setCustomerId("bench")
        .setInternetService(InternetService.INTERNET_SERVICE_YES)
        .setNumberDependents(0)
        .setNumberReferrals(1)
        .setSatisfactionScore(3)
        .setTenureInMonths(14)
        .setTotalLongDistanceCharges(310.4)
        .setTotalRevenue(1240.0)
        .setContract(Contract.CONTRACT_MONTH_TO_MONTH)
        .setPaymentMethod(PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL)
        .build();
    row = binding.extract(request, "");
  }

  /** The model's own cost: one random-forest probability. */
  @Benchmark
  public double modelOnly() {
    return model.churnProbability(row);
  }

  /** Validation and feature extraction from the request message. */
  @Benchmark
  public double[] validateOnly() throws InvalidRequestException {
    return binding.extract(request, "");
  }

  /** What the server does per Predict call, transport aside. */
  @Benchmark
  public Prediction validateScoreAndAnswer() throws InvalidRequestException {
    return serving.predict(binding.extract(request, ""));
  }

  /** The explanation alone: SHAP values of every feature. */
  @Benchmark
  public Explanation explainOnly() {
    return model.explain(row);
  }

  /** What the server does per Predict call with {@code explain: true}, transport aside. */
  @Benchmark
  public Prediction validateScoreExplainAndAnswer() throws InvalidRequestException {
    return serving.predict(binding.extract(request, ""), request, true);
  }
}
