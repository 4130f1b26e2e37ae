package io.churnwire.server;

import com.google.rpc.BadRequest.FieldViolation;
import com.google.rpc.Status;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The data plane, shared by every interface: takes the serving model, validates a request and
 * binds its features, scores, and builds the answer or a typed {@code google.rpc.Status}. It knows
 * nothing of transports: unary {@code Predict}, the {@code PredictBatch} stream and
 * {@code BatchPredict} differ only in how they admit work and deliver what this returns.
 *
 * <p>{@link #prepare} is cheap and runs on the transport thread; {@link #answer} and
 * {@link #answerAll} run the model and belong on a scoring thread. A bad item becomes its own
 * status and never escapes to end a call; a model that fails, even with an {@link Error}, becomes
 * an {@code INTERNAL} answer naming the request id. Every answered prediction goes to the
 * {@link PredictionSink} with its {@link PredictionOrigin}, whatever the interface.
 */
public final class Predictor {
  private static final Logger log = LoggerFactory.getLogger(Predictor.class);
  private static final RateLimitedLog rejections = new RateLimitedLog(log, Level.INFO, 10, TimeUnit.SECONDS);
  private static final RateLimitedLog unrecorded = new RateLimitedLog(log, Level.WARN, 10, TimeUnit.SECONDS);
  private static final RateLimitedLog failures =
      new RateLimitedLog(log, Level.ERROR, 10, TimeUnit.SECONDS).withStackTraces();

  private final ModelHolder models;
  private final ServingStats stats;
  private final Scorer scorer;
  private final PredictionSink sink;

  public Predictor(ModelHolder models, ServingStats stats) {
    this(models, stats, Scorer.MODEL, PredictionSink.NONE);
  }

  /** A predictor that tells {@code timer} how long the model takes and hands its answers to {@code sink}. */
  Predictor(ModelHolder models, ServingStats stats, ScoringTimer timer, PredictionSink sink) {
    this(models, stats, Scorer.timed(timer), sink);
  }

  Predictor(ModelHolder models, ServingStats stats, Scorer scorer, PredictionSink sink) {
    this.models = models;
    this.stats = stats;
    this.scorer = scorer;
    this.sink = sink;
  }

  /** How prepared rows are run through a model; tests substitute one that fails. */
  interface Scorer {
    /** The serving model itself. */
    Scorer MODEL = timed(ScoringTimer.NONE);

    /** The serving model itself, telling {@code timer} how long it takes. */
    static Scorer timed(ScoringTimer timer) {
      return new Scorer() {
        @Override
        public Prediction predict(Prepared prepared) {
          return prepared.model().predict(prepared.row(), prepared.request(), prepared.request().getExplain(),
              timer);
        }

        @Override
        public void probabilities(ServingModel model, double[] rows, int count, double[] out) {
          long start = System.nanoTime();
          model.model().compiled().probabilities(rows, count, out);
          timer.blockScored(System.nanoTime() - start);
        }
      };
    }

    /** One request's prediction, explained if it asks. */
    Prediction predict(Prepared prepared);

    /** Churn probabilities of {@code count} rows laid end to end in {@code rows}. */
    void probabilities(ServingModel model, double[] rows, int count, double[] out);
  }

  /**
   * A validated request bound to the model that will score it.
   *
   * @param model the model current when the request was validated
   * @param request the request as sent
   * @param requestId the request's id, or one assigned to it
   * @param row its features in model order
   * @param origin the interface and method it came through
   */
  public record Prepared(ServingModel model, PredictRequest request, String requestId, double[] row,
      PredictionOrigin origin) {}

  /** What preparing a request gave: either a {@link Prepared} request or the status refusing it. */
  public record Preparation(Prepared prepared, Status refusal) {
    /** Whether the request can be scored. */
    public boolean ok() {
      return prepared != null;
    }
  }

  /** The model new calls use, if one is loaded. */
  public Optional<ServingModel> model() {
    return models.current();
  }

  /**
   * Validates {@code request} against the current model.
   *
   * @param fieldPrefix path of the request inside the message the caller sent, e.g.
   *     {@code "request."}, so violations name the field as the caller wrote it
   * @param requestId the id its answer carries (the call's, see {@link CallRecord}); null for the
   *     request's own, or an assigned one when it has none
   * @param origin the interface and method the request came through
   */
  public Preparation prepare(PredictRequest request, String fieldPrefix, String requestId, PredictionOrigin origin) {
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      return new Preparation(null, Statuses.noModel());
    }
    return prepare(current.get(), request, fieldPrefix, requestId, List.of(), origin);
  }

  private Preparation prepare(ServingModel model, PredictRequest request, String fieldPrefix, String chosenId,
      List<FieldViolation> itemViolations, PredictionOrigin origin) {
    String requestId = chosenId != null ? chosenId
        : request.getRequestId().isEmpty() ? RequestIds.assign() : request.getRequestId();
    double[] row = null;
    List<FieldViolation> violations = itemViolations;
    try {
      row = model.binding().extract(request, fieldPrefix);
    } catch (InvalidRequestException e) {
      violations = new ArrayList<>(itemViolations);
      violations.addAll(e.violations());
    }
    if (violations.isEmpty()) {
      return new Preparation(new Prepared(model, request, requestId, row, origin), null);
    }
    InvalidRequestException invalid = new InvalidRequestException(violations);
    stats.recordInvalid();
    rejections.log("request {} rejected: {}", SafeLog.value(requestId),
        SafeLog.value(invalid.getMessage(), SafeLog.MAX_MESSAGE_CHARS));
    return new Preparation(null, invalid.toStatus());
  }

  /**
   * Scores a prepared request.
   *
   * @return the answer, or empty if the model failed on it (logged; answer {@link #failed})
   */
  public Optional<PredictResponse> answer(Prepared prepared) {
    Prediction prediction = predictOne(prepared);
    if (prediction == null) {
      return Optional.empty();
    }
    record(prepared, prediction, Instant.now());
    return Optional.of(response(prepared, prediction));
  }

  /** The status for a prepared request whose scoring failed. */
  public static Status failed(Prepared prepared) {
    return Statuses.internal(prepared.requestId());
  }

  /** Validates, scores and answers one stream item; problems become the item's own status. */
  public PredictBatchResponse answerItem(PredictBatchRequest item, PredictionOrigin origin) {
    Optional<ServingModel> current = models.current();
    if (current.isEmpty()) {
      return itemAnswer(item, null, Statuses.noModel(), null);
    }
    Preparation preparation = prepareItem(current.get(), item, origin);
    Prediction prediction = preparation.ok() ? predictOne(preparation.prepared()) : null;
    if (prediction != null) {
      record(preparation.prepared(), prediction, Instant.now());
    }
    return itemAnswer(item, preparation.prepared(), preparation.refusal(), prediction);
  }

  /**
   * The answer to a stream item the server could not decode: its own {@code INVALID_ARGUMENT},
   * under the item id if that field still decoded.
   */
  public PredictBatchResponse answerUndecodable(DecodeFailure failure) {
    stats.recordInvalid();
    String itemId = failure.decodedString("item_id");
    return PredictBatchResponse.newBuilder()
        .setItemId(itemId.length() <= FeatureBinding.MAX_ID_LENGTH ? itemId : "")
        .setError(failure.toStatus(""))
        .build();
  }

  /** The answer to an item whose scoring failed in a way {@link #answerItem} could not catch. */
  public static PredictBatchResponse failedItem(PredictBatchRequest item) {
    return PredictBatchResponse.newBuilder()
        .setItemId(item.getItemId())
        .setError(Statuses.internal(item.getRequest().getRequestId().isEmpty()
            ? "(none given; item " + SafeLog.value(item.getItemId()) + ")"
            : SafeLog.value(item.getRequest().getRequestId())))
        .build();
  }

  /**
   * Answers {@code items} in order with one model: every valid item is scored, those without an
   * explanation together as one block through the runtime's block path; every bad item gets its
   * own status.
   */
  public List<PredictBatchResponse> answerAll(List<PredictBatchRequest> items, PredictionOrigin origin) {
    Optional<ServingModel> current = models.current();
    List<PredictBatchResponse> answers = new ArrayList<>(items.size());
    if (current.isEmpty()) {
      for (PredictBatchRequest item : items) {
        answers.add(itemAnswer(item, null, Statuses.noModel(), null));
      }
      return answers;
    }
    ServingModel model = current.get();
    Prepared[] prepared = new Prepared[items.size()];
    Status[] refused = new Status[items.size()];
    int[] plain = new int[items.size()];
    int plainCount = 0;
    for (int i = 0; i < items.size(); i++) {
      Preparation preparation = prepareItem(model, items.get(i), origin);
      prepared[i] = preparation.prepared();
      refused[i] = preparation.refusal();
      if (preparation.ok() && !preparation.prepared().request().getExplain()) {
        plain[plainCount++] = i;
      }
    }
    Prediction[] predictions = new Prediction[items.size()];
    scoreBlock(model, prepared, plain, plainCount, predictions);
    Instant scoredAt = Instant.now();
    for (int i = 0; i < items.size(); i++) {
      if (refused[i] == null && predictions[i] == null) {
        predictions[i] = predictOne(prepared[i]);
      }
      if (predictions[i] != null) {
        record(prepared[i], predictions[i], scoredAt);
      }
      answers.add(itemAnswer(items.get(i), prepared[i], refused[i], predictions[i]));
    }
    return answers;
  }

  private Preparation prepareItem(ServingModel model, PredictBatchRequest item, PredictionOrigin origin) {
    List<FieldViolation> itemViolations = List.of();
    if (item.getItemId().length() > FeatureBinding.MAX_ID_LENGTH) {
      itemViolations = List.of(FieldViolation.newBuilder()
          .setField("item_id")
          .setDescription("must be at most " + FeatureBinding.MAX_ID_LENGTH + " characters, got "
              + item.getItemId().length())
          .build());
    }
    return prepare(model, item.getRequest(), "request.", null, itemViolations, origin);
  }

  /** An item's answer: its refusal, its prediction, or the failure of a prepared item's scoring. */
  private static PredictBatchResponse itemAnswer(PredictBatchRequest item, Prepared prepared, Status refusal,
      Prediction prediction) {
    PredictBatchResponse.Builder answer = PredictBatchResponse.newBuilder().setItemId(item.getItemId());
    if (refusal != null) {
      return answer.setError(refusal).build();
    }
    return prediction == null
        ? answer.setError(failed(prepared)).build()
        : answer.setResponse(response(prepared, prediction)).build();
  }

  /** The answer to a whole {@code BatchPredict}. */
  public BatchPredictResponse answerBatch(List<PredictBatchRequest> items, PredictionOrigin origin) {
    return BatchPredictResponse.newBuilder().addAllResults(answerAll(items, origin)).build();
  }

  private void scoreBlock(ServingModel model, Prepared[] prepared, int[] indices, int count, Prediction[] out) {
    if (count == 0) {
      return;
    }
    int p = model.model().schema().size();
    double[] rows = new double[count * p];
    for (int k = 0; k < count; k++) {
      System.arraycopy(prepared[indices[k]].row(), 0, rows, k * p, p);
    }
    double[] probabilities = new double[count];
    try {
      scorer.probabilities(model, rows, count, probabilities);
    } catch (Throwable t) {
      failures.log("a block of {} items failed while scoring; scoring them one by one: {}", count, t);
      return;
    }
    for (int k = 0; k < count; k++) {
      out[indices[k]] = model.answer(probabilities[k]);
    }
    stats.recordScored(count);
  }

  private Prediction predictOne(Prepared prepared) {
    try {
      Prediction prediction = scorer.predict(prepared);
      stats.recordScored(1);
      return prediction;
    } catch (Throwable t) {
      stats.recordFailed();
      failures.log("request {} failed while scoring: {}", SafeLog.value(prepared.requestId()), t);
      return null;
    }
  }

  /** Hands an answered prediction to the history; a record it cannot take never fails the answer. */
  private void record(Prepared prepared, Prediction prediction, Instant at) {
    try {
      sink.record(PredictionRecords.of(prepared, prediction, at));
    } catch (RuntimeException e) {
      unrecorded.log("request {} answered but not recorded in the history: {}", SafeLog.value(prepared.requestId()),
          SafeLog.value(String.valueOf(e.getMessage()), SafeLog.MAX_MESSAGE_CHARS));
    }
  }

  private static PredictResponse response(Prepared prepared, Prediction prediction) {
    return PredictResponse.newBuilder()
        .setRequestId(prepared.requestId())
        .setCustomerId(prepared.request().getCustomerId())
        .setPrediction(prediction)
        .build();
  }
}
