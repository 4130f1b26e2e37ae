package io.churnwire.client;

import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client for {@code churnwire.v1.ChurnService} that does what every caller would otherwise repeat
 * around the generated stubs: a deadline on every call, retries of overload and unavailability that
 * wait as long as the server asks (see {@link RetrySettings}), errors as {@link ChurnClientException}
 * with the field violations of bad input already unpacked, and a {@code PredictBatch} helper that
 * honours flow control. TLS, mTLS and the bearer token come from {@link ClientSecurity}. The
 * statistics over the server's prediction history ({@code churnwire.v1.ChurnInsightsService}) are
 * on {@link #insights()}, over the same channel.
 *
 * <p>Thread-safe; share one per server. It owns its channel: {@link #close()} it when done.
 */
public final class ChurnClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final RetryCounter retryCounter;
  private final Duration deadline;
  private final Duration streamDeadline;
  private final int batchWindow;
  private final InsightsClient insights;

  private ChurnClient(Builder builder) {
    this.retryCounter = new RetryCounter();
    NettyChannelBuilder channelBuilder = NettyChannelBuilder.forTarget(builder.target, credentials(builder.security))
        .disableServiceConfigLookUp()
        .defaultLoadBalancingPolicy(builder.loadBalancingPolicy)
        .intercept(retryCounter);
    builder.openTelemetry.ifPresent(openTelemetry ->
        channelBuilder.intercept(GrpcTelemetry.create(openTelemetry).createClientInterceptor()));
    if (builder.retry.enabled()) {
      channelBuilder.enableRetry()
          .maxRetryAttempts(builder.retry.maxAttempts())
          .defaultServiceConfig(builder.retry.serviceConfig());
    } else {
      channelBuilder.disableRetry();
    }
    this.channel = channelBuilder.build();
    this.deadline = builder.deadline;
    this.streamDeadline = builder.streamDeadline;
    this.batchWindow = builder.batchWindow;
    this.insights = new InsightsClient(channel, deadline);
  }

  private static ChannelCredentials credentials(ClientSecurity security) {
    try {
      return security.channelCredentials();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the client's TLS files: " + e.getMessage(), e);
    }
  }

  /** A builder for a client of the server at {@code target}, e.g. {@code localhost:50051}. */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /**
   * A builder for a client of several replicas, e.g. {@code [host1:50051, host2:50051]}: one channel
   * with a connection to each, calls spread by {@code round_robin} unless
   * {@link Builder#loadBalancingPolicy} says otherwise. With TLS the authority checked is the
   * first replica's. One target is the same as {@link #builder(String)}.
   *
   * @throws IllegalArgumentException if the list is empty or a target is not {@code host:port}
   */
  public static Builder builder(List<String> targets) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("targets must not be empty");
    }
    if (targets.size() == 1) {
      return builder(targets.getFirst());
    }
    return new Builder(TargetListResolver.channelTarget(targets)).loadBalancingPolicy("round_robin");
  }

  /** A client of the server at {@code target} with the default deadlines and retries. */
  public static ChurnClient connect(String target) {
    return builder(target).build();
  }

  /** Scores one customer, waiting at most the default deadline (retries included). */
  public PredictResponse predict(PredictRequest request) {
    return predict(request, deadline);
  }

  /** Scores one customer, waiting at most {@code timeout} (retries included). */
  public PredictResponse predict(PredictRequest request, Duration timeout) {
    try {
      return blocking(timeout).predict(request);
    } catch (StatusRuntimeException e) {
      throw ChurnClientException.from(e);
    }
  }

  /**
   * Scores one customer without blocking. The future completes on a gRPC thread, exceptionally with
   * a {@link ChurnClientException}; cancelling it cancels the call.
   */
  public CompletableFuture<PredictResponse> predictAsync(PredictRequest request) {
    return predictAsync(request, deadline);
  }

  /** As {@link #predictAsync(PredictRequest)}, with its own deadline. */
  public CompletableFuture<PredictResponse> predictAsync(PredictRequest request, Duration timeout) {
    CompletableFuture<PredictResponse> result = new CompletableFuture<>();
    ChurnServiceGrpc.newStub(channel)
        .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .predict(request, new ClientResponseObserver<PredictRequest, PredictResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<PredictRequest> call) {
            result.whenComplete((response, error) -> {
              if (result.isCancelled()) {
                call.cancel("cancelled by the caller", null);
              }
            });
          }

          @Override
          public void onNext(PredictResponse response) {
            result.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(ChurnClientException.from(t));
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(ChurnClientException.from(Status.INTERNAL
                .withDescription("Predict completed without an answer").asRuntimeException()));
          }
        });
    return result;
  }

  /**
   * Scores {@code items} in one unary request (the server caps its size, see
   * {@code --max-batch-items}); the results are in request order.
   */
  public List<BatchResult> batchPredict(List<PredictBatchRequest> items) {
    try {
      return blocking(deadline)
          .batchPredict(BatchPredictRequest.newBuilder().addAllItems(items).build())
          .getResultsList().stream()
          .map(BatchResult::of)
          .toList();
    } catch (StatusRuntimeException e) {
      throw ChurnClientException.from(e);
    }
  }

  /** The metadata of the model the server is serving: version, schema with ranges, metrics. */
  public ModelMetadata modelMetadata() {
    try {
      return blocking(deadline).getModelMetadata(GetModelMetadataRequest.getDefaultInstance()).getModel();
    } catch (StatusRuntimeException e) {
      throw ChurnClientException.from(e);
    }
  }

  /**
   * Streams {@code items} through {@code PredictBatch} and hands each answer to {@code onResult},
   * in the order the server answers. Items are pulled from the iterator only as flow control and
   * the batch window allow, so it may be lazy and unbounded; it is called on gRPC threads and must
   * not block. {@code onResult} runs on a gRPC thread, one answer at a time.
   *
   * <p>The future completes when every item has been answered, or exceptionally with a
   * {@link ChurnClientException} when the stream fails (the stream deadline included); cancelling
   * it cancels the stream. A bad item never fails the stream: it is answered with
   * {@link BatchResult.Failed}.
   */
  public CompletableFuture<BatchSummary> predictBatchAsync(
      Iterator<PredictBatchRequest> items, Consumer<BatchResult> onResult) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(onResult, "onResult");
    BatchStreamCall call = new BatchStreamCall(items, onResult, batchWindow);
    ChurnServiceGrpc.newStub(channel)
        .withDeadlineAfter(streamDeadline.toNanos(), TimeUnit.NANOSECONDS)
        .predictBatch(call);
    call.pump();
    return call.result();
  }

  /** As {@link #predictBatchAsync}, blocking until the stream ends. */
  public BatchSummary predictBatch(Iterator<PredictBatchRequest> items, Consumer<BatchResult> onResult) {
    CompletableFuture<BatchSummary> stream = predictBatchAsync(items, onResult);
    try {
      return stream.get();
    } catch (InterruptedException e) {
      stream.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while streaming");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The calls of {@code ChurnInsightsService} (statistics, recorded predictions) on this client's
   * channel, with its deadline, retries, security and tracing; closing this client ends them too.
   */
  public InsightsClient insights() {
    return insights;
  }

  /**
   * Retry attempts made so far by all calls of this client, insights included: attempts beyond each call's first,
   * after an {@code UNAVAILABLE} or {@code RESOURCE_EXHAUSTED} answer.
   */
  public long retries() {
    return retryCounter.retries();
  }

  private ChurnServiceGrpc.ChurnServiceBlockingStub blocking(Duration timeout) {
    return ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Lets calls in flight finish for up to five seconds, then cancels the rest. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Settings of a {@link ChurnClient}; every one has a default. */
  public static final class Builder {
    private final String target;
    private Duration deadline = Duration.ofSeconds(5);
    private Duration streamDeadline = Duration.ofMinutes(10);
    private int batchWindow = 64;
    private RetrySettings retry = RetrySettings.defaults();
    private ClientSecurity security = ClientSecurity.plaintext();
    private Optional<OpenTelemetry> openTelemetry = Optional.empty();
    private String loadBalancingPolicy = "pick_first";

    private Builder(String target) {
      Objects.requireNonNull(target, "target");
      if (target.isBlank()) {
        throw new IllegalArgumentException("target must not be blank");
      }
      this.target = target;
    }

    /** Deadline of each unary call, retries included; 5 s by default. */
    public Builder deadline(Duration timeout) {
      this.deadline = positive("deadline", timeout);
      return this;
    }

    /** Deadline of a whole {@code PredictBatch} stream; 10 minutes by default. */
    public Builder streamDeadline(Duration timeout) {
      this.streamDeadline = positive("streamDeadline", timeout);
      return this;
    }

    /** Items a {@code PredictBatch} stream may have sent and not yet seen answered; 64 by default. */
    public Builder batchWindow(int items) {
      if (items < 1) {
        throw new IllegalArgumentException("batchWindow must be at least 1, got " + items);
      }
      this.batchWindow = items;
      return this;
    }

    /** Retries of unary calls; {@link RetrySettings#defaults()} unless set. */
    public Builder retry(RetrySettings settings) {
      this.retry = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * TLS, mTLS and the bearer token ({@link ClientSecurity}); plaintext without a token unless set.
     * The files are read when the client is built.
     */
    public Builder security(ClientSecurity settings) {
      this.security = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * How calls are spread over the addresses the target resolves to: grpc-java's
     * {@code pick_first} (the default) or {@code round_robin}.
     */
    public Builder loadBalancingPolicy(String policy) {
      Objects.requireNonNull(policy, "policy");
      if (policy.isBlank()) {
        throw new IllegalArgumentException("loadBalancingPolicy must not be blank");
      }
      this.loadBalancingPolicy = policy;
      return this;
    }

    /**
     * Traces every call with {@code openTelemetry}: a client span, and the current trace sent to
     * the server as W3C {@code traceparent}, so the server's span and log lines join the caller's
     * trace. Without it no trace context is sent.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Optional.of(Objects.requireNonNull(openTelemetry, "openTelemetry"));
      return this;
    }

    /**
     * The client.
     *
     * @throws UncheckedIOException if a certificate, key or CA file of the security settings cannot
     *     be read
     * @throws IllegalArgumentException if such a file holds no usable PEM certificate or key
     */
    public ChurnClient build() {
      return new ChurnClient(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
