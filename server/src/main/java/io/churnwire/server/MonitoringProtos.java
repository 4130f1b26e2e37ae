package io.churnwire.server;

import io.churnwire.history.OutcomeCounts;
import io.churnwire.monitoring.CalibrationBin;
import io.churnwire.monitoring.ConfusionCounts;
import io.churnwire.monitoring.DriftOptions;
import io.churnwire.monitoring.FeatureDrift;
import io.churnwire.monitoring.RealisedPerformance;
import io.churnwire.v1.DriftBin;
import io.churnwire.v1.DriftLevel;
import io.churnwire.v1.DriftThresholds;
import io.churnwire.v1.GetFeatureDriftResponse;
import io.churnwire.v1.GetModelPerformanceResponse;
import io.churnwire.v1.RealisedMetrics;
import io.churnwire.v1.RecordOutcomesResponse;
import java.util.OptionalDouble;
import java.util.function.DoubleConsumer;

/** Monitoring's measures as {@code churnwire.v1} messages; absent measures stay unset, never 0 or NaN. */
final class MonitoringProtos {
  private MonitoringProtos() {}

  static RecordOutcomesResponse outcomes(OutcomeCounts counts) {
    return RecordOutcomesResponse.newBuilder()
        .setRecordedCount(counts.recorded())
        .setDuplicateCount(counts.duplicates())
        .setMatchedCount(counts.matched())
        .setUnknownCustomerCount(counts.unknownCustomers())
        .setLateCount(counts.late())
        .build();
  }

  static GetModelPerformanceResponse performance(ModelMonitor.Performance performance) {
    RealisedPerformance realised = performance.realised();
    GetModelPerformanceResponse.Builder answer = GetModelPerformanceResponse.newBuilder()
        .setModelVersion(performance.model().version())
        .setDecisionThreshold(performance.model().decisionThreshold())
        .setOutcomeHorizon(com.google.protobuf.Duration.newBuilder().setSeconds(performance.horizon().toSeconds()))
        .setOutcomeCount(realised.count())
        .setChurnedCount(realised.positives())
        .setRealised(realised(realised));
    for (CalibrationBin bin : realised.calibration()) {
      io.churnwire.v1.CalibrationBin.Builder calibration = io.churnwire.v1.CalibrationBin.newBuilder()
          .setLowerBound(bin.lower())
          .setUpperBound(bin.upper())
          .setOutcomeCount(bin.count());
      set(bin.meanPredicted(), calibration::setMeanPredictedProbability);
      set(bin.observedRate(), calibration::setObservedChurnRate);
      answer.addCalibration(calibration);
    }
    performance.model().promoted().ifPresent(metrics -> answer.setPromoted(ServingModel.toProto(metrics)));
    return answer.build();
  }

  static RealisedMetrics realised(RealisedPerformance realised) {
    ConfusionCounts confusion = realised.confusion();
    RealisedMetrics.Builder metrics = RealisedMetrics.newBuilder()
        .setTruePositives(confusion.truePositives())
        .setFalsePositives(confusion.falsePositives())
        .setTrueNegatives(confusion.trueNegatives())
        .setFalseNegatives(confusion.falseNegatives());
    set(realised.rocAuc(), metrics::setRocAuc);
    set(realised.prAuc(), metrics::setPrAuc);
    set(realised.precision(), metrics::setPrecision);
    set(realised.recall(), metrics::setRecall);
    set(realised.f1(), metrics::setF1);
    set(realised.brierScore(), metrics::setBrierScore);
    set(realised.topDecileLift(), metrics::setTopDecileLift);
    return metrics.build();
  }

  static GetFeatureDriftResponse drift(ModelMonitor.Drift drift) {
    DriftOptions options = drift.window().options();
    GetFeatureDriftResponse.Builder answer = GetFeatureDriftResponse.newBuilder()
        .setModelVersion(drift.version())
        .setStartTime(HistoryProtos.timestamp(drift.start()))
        .setEndTime(HistoryProtos.timestamp(drift.end()))
        .setPredictionCount(drift.predictions())
        .setDrifted(drift.window().drifted())
        .setThresholds(DriftThresholds.newBuilder()
            .setModeratePsi(options.moderatePsi())
            .setDriftedPsi(options.driftedPsi())
            .setDriftedFeatureShare(options.driftedFeatureShare()));
    set(drift.window().driftedShare(), answer::setDriftedFeatureShare);
    for (int j = 0; j < drift.window().features().size(); j++) {
      FeatureDrift feature = drift.window().features().get(j);
      ModelMonitor.FeatureBins bins = drift.bins().get(j);
      io.churnwire.v1.FeatureDrift.Builder measured = io.churnwire.v1.FeatureDrift.newBuilder()
          .setFeature(feature.feature())
          .setObservationCount(feature.observations())
          .setUnseenCount(feature.unseen())
          .setLevel(level(feature.level()));
      set(feature.psi(), measured::setPsi);
      set(feature.jensenShannon(), measured::setJensenShannonDistance);
      for (int i = 0; i < bins.labels().size(); i++) {
        long served = bins.servedCounts()[i];
        measured.addBins(DriftBin.newBuilder()
            .setLabel(bins.labels().get(i))
            .setReferenceShare(bins.referenceShares()[i])
            .setServedShare(feature.observations() == 0 ? 0 : served / (double) feature.observations())
            .setServedCount(served));
      }
      answer.addFeatures(measured);
    }
    return answer.build();
  }

  static DriftLevel level(io.churnwire.monitoring.DriftLevel level) {
    return switch (level) {
      case NO_OBSERVATIONS -> DriftLevel.DRIFT_LEVEL_NO_OBSERVATIONS;
      case NONE -> DriftLevel.DRIFT_LEVEL_NONE;
      case MODERATE -> DriftLevel.DRIFT_LEVEL_MODERATE;
      case DRIFTED -> DriftLevel.DRIFT_LEVEL_DRIFTED;
    };
  }

  private static void set(OptionalDouble value, DoubleConsumer setter) {
    value.ifPresent(setter);
  }
}
