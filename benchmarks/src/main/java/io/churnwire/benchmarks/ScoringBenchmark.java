package io.churnwire.benchmarks;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.CompiledModel;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.server.FeatureBinding;
import io.churnwire.server.InvalidRequestException;
import io.churnwire.server.ServingModel;
import io.churnwire.training.Algorithm;
import io.churnwire.training.ModelTrainer;
import io.churnwire.training.SmileModel;
import io.churnwire.training.TrainingOptions;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring cost per row, the compiled runtime beside Smile's own predict in one JVM so that the
 * ratio is measured side by side: single rows cycling through real customers, the block path over
 * {@value #BLOCK} rows at a time (reported per row), explanations, and the whole in-server path
 * (validate, score, build the answer) with and without an explanation.
 *
 * <p>{@code -p data=/path/to/telco_customer_churn.csv} trains on the real data set instead of the
 * built-in synthetic one; {@code -p algorithm=rf} (or {@code gbt}, {@code logistic}) picks the
 * learner, with the hyper-parameters of the bundled params file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ScoringBenchmark {
  static final int BLOCK = 1024;

  @Param({""})
  public String data;

  @Param({"gbt", "rf", "logistic"})
  public String algorithm;

  private SmileModel smile;
  private CompiledModel compiled;
  private ServingModel serving;
  private FeatureBinding binding;
  private PredictRequest request;
  private double[][] rows;
  private double[] block;
  private double[] probabilities;
  private int next;

  @Setup(Level.Trial)
  public void train() throws IOException {
    TrainingData training = data.isEmpty()
        ? SyntheticTelcoData.generate(7_043, 42L)
        : TelcoCsv.read(Path.of(data), FeatureSchema.telco());
    ModelTrainer.Result result = ModelTrainer.fit(training,
        TrainingOptions.defaults().withAlgorithms(Algorithm.fromShortName(algorithm)));
    smile = result.smile();
    compiled = result.model().compiled();
    serving = ServingModel.of(result.model());
    binding = serving.binding();
    rows = java.util.Arrays.copyOf(training.rows(), BLOCK);
    int p = training.schema().size();
    block = new double[BLOCK * p];
    for (int i = 0; i < BLOCK; i++) {
      System.arraycopy(rows[i], 0, block, i * p, p);
    }
    probabilities = new double[BLOCK];
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
  }

  private double[] nextRow() {
    next = (next + 1) & (BLOCK - 1);
    return rows[next];
  }

  /** Smile's own predict, the reference the compiled model is measured against. */
  @Benchmark
  public double smileSingleRow() {
    return smile.probability(nextRow());
  }

  /** The compiled runtime, one row per call. */
  @Benchmark
  public double compiledSingleRow() {
    return compiled.probability(nextRow());
  }

  /** The compiled runtime's block path, reported per row. */
  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] compiledBlockPerRow() {
    compiled.probabilities(block, BLOCK, probabilities);
    return probabilities;
  }

  /** Smile's SHAP values of every feature. */
  @Benchmark
  public Explanation smileExplain() {
    return smile.explain(nextRow());
  }

  /** The compiled runtime's TreeSHAP (or linear SHAP) of every feature. */
  @Benchmark
  public Explanation compiledExplain() {
    return compiled.explain(nextRow());
  }

  /** What the server does per Predict call, transport aside: validate, score, answer. */
  @Benchmark
  public Prediction validateScoreAndAnswer() throws InvalidRequestException {
    return serving.predict(binding.extract(request, ""));
  }

  /** The same with {@code explain: true}. */
  @Benchmark
  public Prediction validateScoreExplainAndAnswer() throws InvalidRequestException {
    return serving.predict(binding.extract(request, ""), request, true);
  }
}
