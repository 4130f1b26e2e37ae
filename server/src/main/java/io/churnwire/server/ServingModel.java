package io.churnwire.server;

import com.google.protobuf.Timestamp;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import io.churnwire.runtime.RiskLevel;
import io.churnwire.v1.ContributionScale;
import io.churnwire.v1.FeatureContribution;
import io.churnwire.v1.FeatureSpec.Builder;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.Prediction;
import io.churnwire.v1.RiskBand;
import java.time.Instant;
import java.util.Objects;

/**
 * A model prepared to serve: its request binding and wire metadata are built once, when it is
 * loaded, so a model the contract cannot express never reaches a request and the hot path only
 * scores.
 *
 * @param model    the trained model
 * @param binding  how request fields feed the model
 * @param metadata the model's metadata as the API returns it
 * @param loadedAt when it was prepared to serve, which metrics report as its load time
 */
public record ServingModel(ChurnModel model, FeatureBinding binding, ModelMetadata metadata, Instant loadedAt) {

  /** How many factors an explained prediction lists. */
  public static final int TOP_FACTORS = 5;

  public ServingModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(loadedAt, "loadedAt");
  }

  /**
   * Prepares {@code model} to serve.
   *
   * @throws IllegalArgumentException when the model's schema does not fit the contract
   */
  public static ServingModel of(ChurnModel model) {
    return new ServingModel(model, FeatureBinding.bind(model.schema()), toProto(model.metadata()), Instant.now());
  }

  public String version() {
    return metadata.getVersion();
  }

  /** Scores a validated feature row and phrases the answer as the API does. */
  public Prediction predict(double[] row) {
    return answer(row).build();
  }

  /**
   * Scores a validated feature row and, when {@code explain} is set, adds the
   * {@value #TOP_FACTORS} features that moved the score most, with the values as {@code request}
   * sent them.
   */
  public Prediction predict(double[] row, PredictRequest request, boolean explain) {
    return predict(row, request, explain, ScoringTimer.NONE);
  }

  /** As {@link #predict(double[], PredictRequest, boolean)}, telling {@code timer} the model's time. */
  Prediction predict(double[] row, PredictRequest request, boolean explain, ScoringTimer timer) {
    long start = System.nanoTime();
    double probability = model.churnProbability(row);
    timer.rowScored(System.nanoTime() - start);
    Prediction.Builder answer = answerFor(probability);
    if (explain) {
      long explaining = System.nanoTime();
      Explanation explanation = model.explain(row);
      timer.explained(System.nanoTime() - explaining);
      for (Explanation.Contribution factor : explanation.top(model.schema(), row, TOP_FACTORS)) {
        answer.addTopFactors(FeatureContribution.newBuilder()
            .setFeature(factor.feature())
            .setValue(binding.sentValue(request, factor.index()))
            .setContribution(factor.contribution()));
      }
      answer.setContributionBase(explanation.baseValue())
          .setContributionScale(explanation.scale() == Explanation.Scale.PROBABILITY
              ? ContributionScale.CONTRIBUTION_SCALE_PROBABILITY
              : ContributionScale.CONTRIBUTION_SCALE_LOG_ODDS);
    }
    return answer.build();
  }

  /** The answer for a probability this model computed. */
  public Prediction answer(double probability) {
    return answerFor(probability).build();
  }

  private Prediction.Builder answer(double[] row) {
    return answerFor(model.churnProbability(row));
  }

  private Prediction.Builder answerFor(double probability) {
    double threshold = metadata.getDecisionThreshold();
    return Prediction.newBuilder()
        .setChurnProbability(probability)
        .setWillChurn(probability >= threshold)
        .setRiskBand(riskBand(probability, threshold))
        .setModelVersion(metadata.getVersion())
        .setDecisionThreshold(threshold);
  }

  static RiskBand riskBand(double probability, double threshold) {
    return switch (RiskLevel.of(probability, threshold)) {
      case HIGH -> RiskBand.RISK_BAND_HIGH;
      case MEDIUM -> RiskBand.RISK_BAND_MEDIUM;
      case LOW -> RiskBand.RISK_BAND_LOW;
    };
  }

  private static ModelMetadata toProto(io.churnwire.runtime.ModelMetadata source) {
    EvaluationMetrics metrics = source.metrics();
    ModelMetadata.Builder builder = ModelMetadata.newBuilder()
        .setVersion(source.version())
        .setAlgorithm(source.algorithm())
        .setTrainedAt(Timestamp.newBuilder()
            .setSeconds(source.trainedAt().getEpochSecond())
            .setNanos(source.trainedAt().getNano()))
        .setTrainingDataSha256(source.trainingDataSha256())
        .setTrainingDataSource(source.trainingDataSource())
        .setTrainingRows(source.trainingRows())
        .setDecisionThreshold(source.decisionThreshold())
        .putAllParameters(source.parameters())
        .setMetrics(toProto(metrics));
    for (FeatureSpec spec : source.schema().features()) {
      builder.addFeatures(toProto(spec));
    }
    return builder.build();
  }

  /** A model's held-out evaluation as the API returns it. */
  static io.churnwire.v1.EvaluationMetrics toProto(EvaluationMetrics metrics) {
    return io.churnwire.v1.EvaluationMetrics.newBuilder()
        .setRocAuc(metrics.rocAuc())
        .setPrAuc(metrics.prAuc())
        .setAccuracy(metrics.accuracy())
        .setPrecision(metrics.precision())
        .setRecall(metrics.recall())
        .setF1(metrics.f1())
        .setTruePositives(metrics.truePositives())
        .setFalsePositives(metrics.falsePositives())
        .setTrueNegatives(metrics.trueNegatives())
        .setFalseNegatives(metrics.falseNegatives())
        .setEvaluationRows(metrics.evaluationRows())
        .setMethod(metrics.method())
        .build();
  }

  private static io.churnwire.v1.FeatureSpec toProto(FeatureSpec spec) {
    Builder builder = io.churnwire.v1.FeatureSpec.newBuilder()
        .setName(spec.name())
        .setDescription(spec.description());
    switch (spec.type()) {
      case CATEGORICAL -> {
        builder.setType(io.churnwire.v1.FeatureType.FEATURE_TYPE_CATEGORICAL);
        spec.levels().forEach(level -> builder.addAllowedValues(FeatureBinding.enumValueName(spec, level)));
      }
      case INTEGER -> builder.setType(io.churnwire.v1.FeatureType.FEATURE_TYPE_INTEGER)
          .setMin(spec.min()).setMax(spec.max());
      case REAL -> builder.setType(io.churnwire.v1.FeatureType.FEATURE_TYPE_REAL)
          .setMin(spec.min()).setMax(spec.max());
    }
    return builder.build();
  }
}
