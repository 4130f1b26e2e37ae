package io.churnwire.client;

import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.GetChurnOverTimeRequest;
import io.churnwire.v1.GetChurnOverTimeResponse;
import io.churnwire.v1.GetPredictionStatsRequest;
import io.churnwire.v1.GetPredictionStatsResponse;
import io.churnwire.v1.GetRiskDistributionRequest;
import io.churnwire.v1.GetRiskDistributionResponse;
import io.churnwire.v1.ListCustomerPredictionsRequest;
import io.churnwire.v1.ListCustomerPredictionsResponse;
import io.churnwire.v1.ListPredictionsRequest;
import io.churnwire.v1.ListPredictionsResponse;
import io.churnwire.v1.PredictionRecord;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The calls of {@code churnwire.v1.ChurnInsightsService}: statistics over the server's prediction
 * history and the recorded predictions themselves. Get one from {@link ChurnClient#insights()}.
 *
 * <p>A type of its own because these calls serve another audience (dashboards, support looking up
 * a customer) and another role ({@code insights} in the server's tokens file) than scoring, but a
 * view on the {@link ChurnClient}'s channel rather than a second client: the same connection,
 * TLS and token, deadline, retries ({@link RetrySettings} covers every insights call, all of them
 * reads) and tracing, with nothing more to configure or close. Errors are the same
 * {@link ChurnClientException}s; bad arguments (a page size over 1,000, a page token from another
 * query, an end before the start) are {@link InvalidRequestException} naming the field, and a
 * server with its history off answers {@code FAILED_PRECONDITION}.
 *
 * <p>Thread-safe; valid until its {@code ChurnClient} is closed.
 */
public final class InsightsClient {
  private final Channel channel;
  private final Duration deadline;

  InsightsClient(Channel channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  /**
   * The same view with another deadline for each call, e.g. for statistics over a long range of a
   * large history.
   */
  public InsightsClient withDeadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return new InsightsClient(channel, timeout);
  }

  /** Counts, churn rate and mean probability over every recorded prediction. */
  public GetPredictionStatsResponse predictionStats() {
    return predictionStats(GetPredictionStatsRequest.getDefaultInstance());
  }

  /** Counts, churn rate and mean probability, overall, per risk band and per model version. */
  public GetPredictionStatsResponse predictionStats(GetPredictionStatsRequest request) {
    return call(stub -> stub.getPredictionStats(request));
  }

  /** One page of recorded predictions, most recent first. */
  public ListPredictionsResponse listPredictions(ListPredictionsRequest request) {
    return call(stub -> stub.listPredictions(request));
  }

  /**
   * Every prediction {@code request} selects, most recent first, fetched page by page (of the
   * request's {@code page_size}) as the stream is consumed; each page is a call with its own
   * deadline, and a failed one throws from the stream's operation.
   */
  public Stream<PredictionRecord> allPredictions(ListPredictionsRequest request) {
    return pages(request.getPageToken(), token -> {
      ListPredictionsResponse page = listPredictions(request.toBuilder().setPageToken(token).build());
      return new Page(page.getPredictionsList(), page.getNextPageToken());
    });
  }

  /** One page of one customer's predictions, most recent first. */
  public ListCustomerPredictionsResponse listCustomerPredictions(ListCustomerPredictionsRequest request) {
    return call(stub -> stub.listCustomerPredictions(request));
  }

  /** As {@link #allPredictions}, for one customer's predictions. */
  public Stream<PredictionRecord> allCustomerPredictions(ListCustomerPredictionsRequest request) {
    return pages(request.getPageToken(), token -> {
      ListCustomerPredictionsResponse page =
          listCustomerPredictions(request.toBuilder().setPageToken(token).build());
      return new Page(page.getPredictionsList(), page.getNextPageToken());
    });
  }

  /** Every recorded prediction for {@code customerId}, most recent first. */
  public Stream<PredictionRecord> allCustomerPredictions(String customerId) {
    return allCustomerPredictions(ListCustomerPredictionsRequest.newBuilder().setCustomerId(customerId).build());
  }

  /** The histogram of churn probabilities in equal-width buckets. */
  public GetRiskDistributionResponse riskDistribution(GetRiskDistributionRequest request) {
    return call(stub -> stub.getRiskDistribution(request));
  }

  /** Predicted churn rate and volume per hour, day or week. */
  public GetChurnOverTimeResponse churnOverTime(GetChurnOverTimeRequest request) {
    return call(stub -> stub.getChurnOverTime(request));
  }

  private <T> T call(Function<ChurnInsightsServiceGrpc.ChurnInsightsServiceBlockingStub, T> method) {
    try {
      return method.apply(ChurnInsightsServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      throw ChurnClientException.from(e);
    }
  }

  /** One page of a listing: its predictions and the token of the next, empty on the last. */
  private record Page(List<PredictionRecord> predictions, String nextPageToken) {}

  private static Stream<PredictionRecord> pages(String firstToken, Function<String, Page> fetch) {
    Iterator<PredictionRecord> records = new Iterator<>() {
      private Iterator<PredictionRecord> current = List.<PredictionRecord>of().iterator();
      private String nextToken = firstToken;
      private boolean last;

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && !last) {
          Page page = fetch.apply(nextToken);
          current = page.predictions().iterator();
          nextToken = page.nextPageToken();
          last = nextToken.isEmpty();
        }
        return current.hasNext();
      }

      @Override
      public PredictionRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, Spliterator.ORDERED), false);
  }
}
