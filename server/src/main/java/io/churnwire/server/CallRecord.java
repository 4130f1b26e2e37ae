package io.churnwire.server;

import io.churnwire.telemetry.Logging;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictionInterface;
import io.grpc.Context;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * What the server learns about one call while serving it, for its response header, access line and
 * history: the request id, the interface it came through and the version of the model that scored
 * it. {@link CallRecords} opens one per call and makes it reachable from the call's {@link Context}.
 *
 * <p>The id is chosen once: the caller's {@code x-request-id} header when it sent an acceptable one,
 * else the request's own id for a method that has one ({@link #choose}), else an assigned UUID. The
 * thread that chooses it is working on the call, so the id is put in that thread's MDC.
 */
final class CallRecord {
  private static final Context.Key<CallRecord> KEY = Context.key("churnwire-call-record");

  private final String headerId;
  private final PredictionInterface channel;
  private String id;
  private volatile String modelVersion;

  CallRecord(Optional<String> headerId) {
    this(headerId, PredictionInterface.PREDICTION_INTERFACE_GRPC);
  }

  CallRecord(Optional<String> headerId, PredictionInterface channel) {
    this.headerId = headerId.orElse(null);
    this.channel = channel;
    this.id = this.headerId;
  }

  /** The record of the call whose context is current, if it passed through {@link CallRecords}. */
  static Optional<CallRecord> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** {@code context} with this record reachable from it. */
  Context attachTo(Context context) {
    return context.withValue(KEY, this);
  }

  /**
   * The call's id: the header's, else {@code requestId} when acceptable, else an assigned one; once
   * chosen it no longer changes.
   */
  String choose(String requestId) {
    String chosen;
    synchronized (this) {
      if (id == null) {
        id = RequestIds.accepted(requestId).orElseGet(RequestIds::assign);
      }
      chosen = id;
    }
    MDC.put(Logging.REQUEST_ID, chosen);
    return chosen;
  }

  /** The call's id, as {@link #choose} without a request id, and without touching the MDC. */
  synchronized String id() {
    if (id == null) {
      id = RequestIds.assign();
    }
    return id;
  }

  /** The id if one is known yet, without choosing one. */
  synchronized Optional<String> known() {
    return Optional.ofNullable(id);
  }

  /** The interface the call came through (see {@link PredictionOrigin}). */
  PredictionInterface channel() {
    return channel;
  }

  /** Notes that the model {@code version} answered (part of) the call. */
  void servedBy(String version) {
    modelVersion = version;
  }

  /** Notes the model that scored {@code answer}, when it was scored. */
  void servedBy(PredictBatchResponse answer) {
    if (answer.hasResponse()) {
      servedBy(answer.getResponse().getPrediction().getModelVersion());
    }
  }

  /** The version of the model that scored the call; empty when nothing was scored. */
  Optional<String> modelVersion() {
    return Optional.ofNullable(modelVersion);
  }
}
