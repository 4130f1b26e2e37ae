package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.telemetry.Telemetry;
import io.churnwire.v1.Prediction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's own metrics ({@code churnwire_*} on the metrics port, beside grpc-java's call
 * metrics): what was scored and refused, how long the model itself took, how full admission and the
 * stream windows are, which model serves and how reloads went.
 *
 * <p>Counting is cheap on the hot path: attributes are built once (per method, per model version
 * and risk band), and everything that already exists as state (permits in use, stream windows,
 * connections, the current model) is read by callbacks when metrics are collected rather than
 * counted as it changes. Outcomes are read from the answers the server gives, so a metric says what
 * a caller saw. The counters of rare events (admission rejections, scoring failures, reloads) start
 * at zero for every label value they can have, so a rate or an alert on them has a series before
 * the first event.
 */
public final class ServerMetrics implements ScoringTimer {
  /** The instrumentation scope of the server's instruments. */
  public static final String SCOPE = "io.churnwire.server";

  /**
   * Bucket bounds, in seconds, for the model's own time: a row scores in microseconds, an
   * explanation or a block of rows in tens of microseconds to milliseconds.
   */
  static final List<Double> MODEL_TIME_BUCKETS = List.of(
      1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1);

  private static final AttributeKey<String> FIELD = AttributeKey.stringKey("field");
  private static final AttributeKey<String> MODE = AttributeKey.stringKey("mode");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final Attributes ROW = Attributes.of(MODE, "row");
  private static final Attributes BLOCK = Attributes.of(MODE, "block");

  /** How a reload attempt that looked at a new production model ended. */
  enum Reload {
    /** Validated and swapped in. */
    LOADED,
    /** Found unfit to serve (unreadable, failing its checksum, not fitting the contract, a bad trial answer). */
    REJECTED,
    /** The registry itself could not be read, so no model was looked at. */
    FAILED;

    final Attributes attributes = Attributes.of(OUTCOME, name().toLowerCase(Locale.ROOT));
  }

  private final Meter meter;
  private final Optional<PrometheusRegistry> registry;
  private final LongCounter predictions;
  private final LongCounter invalidRequests;
  private final LongCounter admissionRejections;
  private final LongCounter scoringFailures;
  private final LongCounter reloads;
  private final DoubleHistogram scoringDuration;
  private final DoubleHistogram explanationDuration;
  private final PredictionLabels predictionLabels = new PredictionLabels();
  private final Map<ScoringMethod, Map<String, Attributes>> invalidLabels = new EnumMap<>(ScoringMethod.class);
  private final StreamWindows streams = new StreamWindows();

  private ServerMetrics(Meter meter, Optional<PrometheusRegistry> registry) {
    this.meter = meter;
    this.registry = registry;
    this.predictions = meter.counterBuilder("churnwire.predictions").setUnit("{customer}")
        .setDescription("Customers scored, by method, model version and risk band.").build();
    this.invalidRequests = meter.counterBuilder("churnwire.invalid_requests").setUnit("{violation}")
        .setDescription("Field violations answered INVALID_ARGUMENT, by method and field.").build();
    this.admissionRejections = meter.counterBuilder("churnwire.admission_rejections").setUnit("{call}")
        .setDescription("Calls answered RESOURCE_EXHAUSTED because scoring capacity was taken.").build();
    this.scoringFailures = meter.counterBuilder("churnwire.scoring_failures").setUnit("{customer}")
        .setDescription("Customers answered INTERNAL because the model failed on them.").build();
    this.reloads = meter.counterBuilder("churnwire.model.reloads").setUnit("{reload}")
        .setDescription("Reload attempts on a new production model, by outcome.").build();
    this.scoringDuration = meter.histogramBuilder("churnwire.scoring.duration").setUnit("s")
        .setDescription("Time in the model computing churn probabilities: one row, or one block of rows.")
        .setExplicitBucketBoundariesAdvice(MODEL_TIME_BUCKETS).build();
    this.explanationDuration = meter.histogramBuilder("churnwire.explanation.duration").setUnit("s")
        .setDescription("Time in the model explaining one row (SHAP contributions).")
        .setExplicitBucketBoundariesAdvice(MODEL_TIME_BUCKETS).build();
    for (ScoringMethod method : ScoringMethod.values()) {
      invalidLabels.put(method, new ConcurrentHashMap<>());
      scoringFailures.add(0, method.attributes());
    }
    admissionRejections.add(0, ScoringMethod.PREDICT.attributes());
    admissionRejections.add(0, ScoringMethod.BATCH_PREDICT.attributes());
    for (Reload outcome : Reload.values()) {
      reloads.add(0, outcome.attributes);
    }
  }

  /** Metrics on the meter {@value #SCOPE} of {@code telemetry}, exposed on its metrics port. */
  public static ServerMetrics of(Telemetry telemetry) {
    return new ServerMetrics(telemetry.meter(SCOPE), Optional.of(telemetry.registry()));
  }

  /** Metrics that record nothing, for components used without a server around them. */
  static ServerMetrics none() {
    return new ServerMetrics(MeterProvider.noop().get(SCOPE), Optional.empty());
  }

  /** The prediction history's metrics, on the same meter. */
  HistoryMetrics history() {
    return new HistoryMetrics(meter);
  }

  /** Model monitoring's metrics, on the same meter; made only when the history is on. */
  MonitoringMetrics monitoring() {
    return new MonitoringMetrics(meter);
  }

  /** Observes the permits of {@code executor}: taken now, and the whole capacity. */
  void observeScoring(ScoringExecutor executor) {
    meter.gaugeBuilder("churnwire.scoring.slots_in_use").ofLongs().setUnit("{slot}")
        .setDescription("Scoring cost units admitted now, running or queued.")
        .buildWithCallback(gauge -> gauge.record(executor.inFlight()));
    meter.gaugeBuilder("churnwire.scoring.slots_capacity").ofLongs().setUnit("{slot}")
        .setDescription("Scoring cost units that can be admitted at once (--max-in-flight).")
        .buildWithCallback(gauge -> gauge.record(executor.capacity()));
  }

  /** Observes the open {@code PredictBatch} streams, each of which holds at most {@code window} items. */
  void observeStreams(int window) {
    meter.gaugeBuilder("churnwire.streams.open").ofLongs().setUnit("{stream}")
        .setDescription("PredictBatch streams open now.")
        .buildWithCallback(gauge -> gauge.record(streams.open()));
    meter.gaugeBuilder("churnwire.stream.window_items").ofLongs().setUnit("{item}")
        .setDescription("Items held in the flow-control windows of all open PredictBatch streams.")
        .buildWithCallback(gauge -> gauge.record(streams.itemsHeld()));
    meter.gaugeBuilder("churnwire.stream.window_capacity").ofLongs().setUnit("{item}")
        .setDescription("Items one PredictBatch stream may hold at once (--stream-window).")
        .buildWithCallback(gauge -> gauge.record(window));
  }

  /**
   * Observes the model {@code models} serves: its identity ({@link ModelInfoCollector}), and when
   * it was loaded.
   */
  void observeModel(ModelHolder models) {
    registry.ifPresent(prometheus -> prometheus.register(new ModelInfoCollector(models)));
    meter.gaugeBuilder("churnwire.model.loaded_timestamp").setUnit("s")
        .setDescription("When the model served now was loaded, in seconds since the epoch.")
        .buildWithCallback(gauge -> models.current().ifPresent(
            model -> gauge.record(model.loadedAt().toEpochMilli() / 1000.0)));
  }

  /** Observes the connections {@code limiter} admits and refuses. */
  void observeConnections(ConnectionLimiter limiter) {
    meter.gaugeBuilder("churnwire.connections.open").ofLongs().setUnit("{connection}")
        .setDescription("Client connections open now on the public port.")
        .buildWithCallback(gauge -> gauge.record(limiter.open()));
    meter.counterBuilder("churnwire.connections.refused").setUnit("{connection}")
        .setDescription("Connections closed at once because --max-connections were open.")
        .buildWithCallback(counter -> counter.record(limiter.refused()));
  }

  /** The open streams the stream gauges read. */
  StreamWindows streams() {
    return streams;
  }

  /** Counts a customer scored on {@code method}. */
  void predicted(ScoringMethod method, Prediction prediction) {
    predictions.add(1, predictionLabels.of(method, prediction.getModelVersion(), prediction.getRiskBand()));
  }

  /** Counts one item's answer on {@code method}: a prediction, or the refusal or failure it carries. */
  void answered(ScoringMethod method, PredictBatchResponse answer) {
    if (answer.hasResponse()) {
      predicted(method, answer.getResponse().getPrediction());
    } else if (answer.hasError()) {
      refused(method, answer.getError());
    }
  }

  /**
   * Counts a status the server answered instead of a prediction: each field violation of an
   * {@code INVALID_ARGUMENT} (one {@value FieldLabel#OTHER} when it names none), or a scoring
   * failure for {@code INTERNAL}; other codes (no model yet) are counted by grpc-java's call metrics.
   */
  void refused(ScoringMethod method, Status status) {
    if (status.getCode() == Code.INTERNAL_VALUE) {
      scoringFailed(method);
      return;
    }
    if (status.getCode() != Code.INVALID_ARGUMENT_VALUE) {
      return;
    }
    int counted = 0;
    for (Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        for (BadRequest.FieldViolation violation : badRequest(detail).getFieldViolationsList()) {
          invalidField(method, violation.getField());
          counted++;
        }
      }
    }
    if (counted == 0) {
      invalidField(method, "");
    }
  }

  /** Counts one violation of the field at {@code path} (a prefixed path is counted by its field name). */
  void invalidField(ScoringMethod method, String path) {
    String field = FieldLabel.of(path);
    invalidRequests.add(1, invalidLabels.get(method)
        .computeIfAbsent(field, name -> method.attributes().toBuilder().put(FIELD, name).build()));
  }

  /** Counts a call on {@code method} answered {@code RESOURCE_EXHAUSTED} by admission. */
  void admissionRejected(ScoringMethod method) {
    admissionRejections.add(1, method.attributes());
  }

  /** Counts a customer on {@code method} whose scoring failed inside the server. */
  void scoringFailed(ScoringMethod method) {
    scoringFailures.add(1, method.attributes());
  }

  /** Counts a reload attempt's outcome. */
  void reloaded(Reload outcome) {
    reloads.add(1, outcome.attributes);
  }

  @Override
  public void rowScored(long nanos) {
    scoringDuration.record(nanos / 1e9, ROW);
  }

  @Override
  public void blockScored(long nanos) {
    scoringDuration.record(nanos / 1e9, BLOCK);
  }

  @Override
  public void explained(long nanos) {
    explanationDuration.record(nanos / 1e9);
  }

  private static BadRequest badRequest(Any detail) {
    try {
      return detail.unpack(BadRequest.class);
    } catch (InvalidProtocolBufferException e) {
      return BadRequest.getDefaultInstance();
    }
  }
}
