package io.churnwire.server;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.history.HistoryException;
import io.churnwire.history.PredictionStore;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Answers a call of a service that reads or writes the prediction history (insights, monitoring)
 * the one way they all do: {@code FAILED_PRECONDITION} with the history off, the request
 * validated on the transport thread, the work run on the {@link InsightsExecutor}
 * ({@code RESOURCE_EXHAUSTED} when it is full), {@code UNAVAILABLE} while the store does not
 * answer, and a fault of the server {@code INTERNAL} without its details.
 */
final class HistoryCalls {
  private static final Logger log = LoggerFactory.getLogger(HistoryCalls.class);
  private static final RateLimitedLog unavailable = new RateLimitedLog(log, Level.WARN, 10, TimeUnit.SECONDS);
  private static final RateLimitedLog failures =
      new RateLimitedLog(log, Level.ERROR, 10, TimeUnit.SECONDS).withStackTraces();

  private final Optional<PredictionStore> store;
  private final InsightsExecutor executor;

  /**
   * @param store the history; empty when it is off
   * @param executor where the work runs
   */
  HistoryCalls(Optional<PredictionStore> store, InsightsExecutor executor) {
    this.store = store;
    this.executor = executor;
  }

  /** A request turned into a query, or the fields it got wrong. */
  @FunctionalInterface
  interface Validation<Q> {
    Q validate() throws InvalidRequestException;
  }

  /** A query run against the store. */
  @FunctionalInterface
  interface Query<Q, R> {
    R run(PredictionStore store, Q query) throws InvalidRequestException, CallRefusedException;
  }

  /** Validates the request now, then runs {@code query} on a query thread and answers {@code responses}. */
  <Q, R> void answer(StreamObserver<R> responses, Validation<Q> validation, Query<Q, R> query) {
    CallRecord.current().ifPresent(record -> record.choose(null));
    if (store.isEmpty()) {
      responses.onError(Statuses.toException(Statuses.historyOff()));
      return;
    }
    Q validated;
    try {
      validated = validation.validate();
    } catch (InvalidRequestException e) {
      responses.onError(Statuses.toException(e.toStatus()));
      return;
    }
    Context context = Context.current();
    boolean submitted = executor.submit(TaskContext.carry(context.wrap(() -> {
      if (context.isCancelled()) {
        return;
      }
      R answer;
      try {
        answer = query.run(store.get(), validated);
      } catch (InvalidRequestException e) {
        responses.onError(Statuses.toException(e.toStatus()));
        return;
      } catch (CallRefusedException e) {
        responses.onError(Statuses.toException(e.status()));
        return;
      } catch (HistoryException e) {
        unavailable.log("prediction history unavailable: {}", SafeLog.value(e.getMessage(), SafeLog.MAX_MESSAGE_CHARS));
        responses.onError(Statuses.toException(Statuses.historyUnavailable()));
        return;
      } catch (RuntimeException e) {
        failures.log("a prediction history query failed: {}", e);
        responses.onError(Statuses.toException(Status.newBuilder().setCode(Code.INTERNAL_VALUE)
            .setMessage("the prediction history query failed inside the server").build()));
        return;
      }
      responses.onNext(answer);
      responses.onCompleted();
    })));
    if (!submitted) {
      responses.onError(Statuses.toException(Statuses.insightsBusy(executor.capacity())));
    }
  }
}
