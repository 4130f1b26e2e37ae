package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.churnwire.history.FeatureBinning;
import io.churnwire.history.FeatureCounts;
import io.churnwire.history.JoinedOutcomes;
import io.churnwire.history.OutcomeCounts;
import io.churnwire.history.OutcomeRecord;
import io.churnwire.history.PredictionFilter;
import io.churnwire.history.PredictionStore;
import io.churnwire.history.ServedFeatures;
import io.churnwire.history.TimeRange;
import io.churnwire.monitoring.BinnedCounts;
import io.churnwire.monitoring.RealisedPerformance;
import io.churnwire.monitoring.WindowDrift;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.FeatureReference;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model monitoring as one transport-neutral object, used by {@code ChurnMonitoringService} and by
 * the gauges' refresher alike: records outcomes, measures a version's realised performance from
 * its predictions joined with them, and its feature drift from the features it was served against
 * the training reference it carries. It throws typed refusals and leaves the wire to its callers.
 */
final class ModelMonitor {
  /** The label of the bin that holds the served values no training bin holds. */
  static final String UNSEEN_LABEL = "unseen";

  private final MonitoredModels models;
  private final MonitoringConfig config;
  private final OutcomeListener listener;
  private final Clock clock;

  /** Told what each recorded batch of outcomes did, for the metrics. */
  @FunctionalInterface
  interface OutcomeListener {
    OutcomeListener NONE = counts -> {};

    void recorded(OutcomeCounts counts);
  }

  ModelMonitor(MonitoredModels models, MonitoringConfig config, OutcomeListener listener, Clock clock) {
    this.models = models;
    this.config = config;
    this.listener = listener;
    this.clock = clock;
  }

  MonitoringConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  /**
   * The realised performance of one version.
   *
   * @param model the version, its threshold and the metrics it was promoted with
   * @param horizon how far before an outcome a joined prediction may be
   * @param realised the measures over its joined outcomes
   */
  record Performance(MonitoredModels.Evaluated model, Duration horizon, RealisedPerformance realised) {}

  /**
   * The bins of one feature as reported: the reference's, then the unseen bin.
   *
   * @param labels what each bin holds ({@code (3, 12]}, {@code CONTRACT_ONE_YEAR}, {@code unseen})
   * @param referenceShares share of the training rows per bin, 0 for the unseen bin
   * @param servedCounts served values per bin
   */
  record FeatureBins(List<String> labels, double[] referenceShares, long[] servedCounts) {}

  /**
   * The feature drift of one version in one window.
   *
   * @param version the version measured
   * @param start start of the window, inclusive
   * @param end end of the window, exclusive
   * @param predictions predictions the version made in the window
   * @param window the drift of each feature, schema order
   * @param bins the bins of each feature, schema order
   */
  record Drift(String version, Instant start, Instant end, long predictions, WindowDrift window,
      List<FeatureBins> bins) {}

  /** Stores {@code outcomes} and tells what became of them. */
  OutcomeCounts record(PredictionStore store, List<OutcomeRecord> outcomes) {
    OutcomeCounts counts = store.recordOutcomes(outcomes, config.outcomeHorizon());
    listener.recorded(counts);
    return counts;
  }

  /** The realised performance of {@code version} (the served one when empty) over its predictions in {@code range}. */
  Performance performance(PredictionStore store, Optional<String> version, TimeRange range)
      throws CallRefusedException {
    MonitoredModels.Evaluated model = models.evaluated(models.versionOrServed(version));
    JoinedOutcomes joined = store.joinedOutcomes(
        new PredictionFilter(range, Optional.empty(), Optional.of(model.version()), Optional.empty()),
        config.outcomeHorizon());
    return new Performance(model, config.outcomeHorizon(),
        RealisedPerformance.of(joined.probabilities(), joined.churned(), model.decisionThreshold()));
  }

  /**
   * The feature drift of {@code version} (the served one when empty) in [start, end): end now by
   * default, start the drift window before end by default.
   *
   * @throws InvalidRequestException when a defaulted end falls at or before the given start
   */
  Drift drift(PredictionStore store, Optional<String> version, Optional<Instant> start, Optional<Instant> end)
      throws CallRefusedException, InvalidRequestException {
    String measured = models.versionOrServed(version);
    Instant until = end.orElseGet(clock::instant);
    Instant from = start.orElseGet(() -> until.minus(config.driftWindow()));
    if (!from.isBefore(until)) {
      throw new InvalidRequestException(List.of(com.google.rpc.BadRequest.FieldViolation.newBuilder()
          .setField("start_time")
          .setDescription("must be before end_time (by default now, " + until + "), got " + from)
          .build()));
    }
    ChurnModel model = models.model(measured);
    FeatureSchema schema = model.schema();
    List<FeatureReference> reference = model.compiled().trainingReference();
    if (reference.size() != schema.size()) {
      throw new CallRefusedException(Status.newBuilder()
          .setCode(Code.FAILED_PRECONDITION_VALUE)
          .setMessage("model version " + measured + " carries no training reference to measure drift against;"
              + " retrain it with the current trainer")
          .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("NO_TRAINING_REFERENCE").setDomain(Statuses.DOMAIN)
              .putMetadata("model_version", measured).build()))
          .build());
    }
    List<FeatureBinning> binnings = new ArrayList<>(schema.size());
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec spec = schema.get(j);
      binnings.add(new FeatureBinning(spec.name(), spec.isCategorical() ? new double[0] : reference.get(j).binEdges()));
    }
    ServedFeatures served = store.servedFeatures(new PredictionFilter(new TimeRange(Optional.of(from),
        Optional.of(until)), Optional.empty(), Optional.of(measured), Optional.empty()), binnings);
    List<BinnedCounts> observed = new ArrayList<>(schema.size());
    List<FeatureBins> bins = new ArrayList<>(schema.size());
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec spec = schema.get(j);
      BinnedCounts counts = binned(spec, reference.get(j), served.columns().get(spec.name()));
      observed.add(counts);
      bins.add(bins(spec, reference.get(j), counts));
    }
    return new Drift(measured, from, until, served.predictions(),
        WindowDrift.measure(schema, reference, observed, config.driftOptions()), bins);
  }

  /**
   * The served counts of one feature in the bins of its reference: a numeric feature's as the store
   * counted them, a categorical feature's per level of the model, in the model's level order, the
   * stored names that are no level of the model counted as unseen.
   */
  static BinnedCounts binned(FeatureSpec spec, FeatureReference reference, FeatureCounts counts) {
    int bins = reference.frequencies().length;
    if (counts == null) {
      return new BinnedCounts(new long[bins], 0);
    }
    if (!spec.isCategorical()) {
      long[] binCounts = counts.binCounts();
      if (binCounts.length != bins) {
        throw new IllegalStateException("the store counted " + binCounts.length + " bins of " + spec.name()
            + ", the reference has " + bins);
      }
      return new BinnedCounts(binCounts, 0);
    }
    long[] levelCounts = new long[bins];
    long unseen = 0;
    for (Map.Entry<String, Long> level : counts.levelCounts().entrySet()) {
      int index = levelIndex(spec, level.getKey());
      if (index >= 0 && index < bins) {
        levelCounts[index] += level.getValue();
      } else {
        unseen += level.getValue();
      }
    }
    return new BinnedCounts(levelCounts, unseen);
  }

  private static int levelIndex(FeatureSpec spec, String enumName) {
    for (int i = 0; i < spec.levels().size(); i++) {
      if (FeatureBinding.enumValueName(spec, spec.levels().get(i)).equals(enumName)) {
        return i;
      }
    }
    return -1;
  }

  /** The reported bins of one feature: labels, training shares and served counts, the unseen bin last. */
  static FeatureBins bins(FeatureSpec spec, FeatureReference reference, BinnedCounts counts) {
    double[] frequencies = reference.frequencies();
    double sum = 0;
    for (double frequency : frequencies) {
      sum += frequency;
    }
    List<String> labels = new ArrayList<>(frequencies.length + 1);
    double[] shares = new double[frequencies.length + 1];
    long[] served = new long[frequencies.length + 1];
    long[] binCounts = counts.counts();
    for (int i = 0; i < frequencies.length; i++) {
      labels.add(!spec.isCategorical() ? DriftBinLabels.numeric(reference.binEdges(), i)
          : i < spec.levels().size() ? FeatureBinding.enumValueName(spec, spec.levels().get(i)) : "level " + i);
      shares[i] = sum > 0 ? frequencies[i] / sum : 0;
      served[i] = binCounts[i];
    }
    labels.add(UNSEEN_LABEL);
    served[frequencies.length] = counts.unseen();
    return new FeatureBins(List.copyOf(labels), shares, served);
  }
}
