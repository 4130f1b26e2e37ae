package io.churnwire.envoy;

import com.google.protobuf.Message;
import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
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
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import io.churnwire.v1.PredictionSummary;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the Churnwire server that records what Envoy forwards: each call's method, its
 * {@code x-churnwire-interface} metadata and the request message. It answers Predict and the five
 * insights calls with fixed messages and reports {@code ChurnService} SERVING, so tests of
 * {@code envoy.yaml} see exactly what reaches a server without depending on the server's own
 * behaviour.
 */
final class RecordingUpstream implements AutoCloseable {
  static final Metadata.Key<String> INTERFACE =
      Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER);

  /** One call as it arrived: the full gRPC method name, every interface value, the request. */
  record Call(String method, List<String> interfaceValues, Message request) {}

  private final Server server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private RecordingUpstream() throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(ChurnServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService())
        .addService(ServerInterceptors.intercept(new Scoring(), new Recorder()))
        .addService(ServerInterceptors.intercept(new Insights(), new Recorder()))
        .build()
        .start();
  }

  static RecordingUpstream start() throws IOException {
    return new RecordingUpstream();
  }

  int port() {
    return server.getPort();
  }

  /** The calls received so far, oldest first. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The only call received so far; fails the test when there were none or several. */
  Call onlyCall() {
    List<Call> received = calls();
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one call upstream, got " + received);
    }
    return received.getFirst();
  }

  void clear() {
    calls.clear();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Records the metadata of a call and, through {@link #record}, its request message. */
  private final class Recorder implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      Iterable<String> values = headers.getAll(INTERFACE);
      List<String> interfaceValues = values == null ? List.of() : listOf(values);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {
        @Override
        public void onMessage(ReqT message) {
          calls.add(new Call(method, interfaceValues, (Message) message));
          super.onMessage(message);
        }
      };
    }
  }

  private static List<String> listOf(Iterable<String> values) {
    List<String> list = new ArrayList<>();
    values.forEach(list::add);
    return List.copyOf(list);
  }

  private static final class Scoring extends ChurnServiceGrpc.ChurnServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> answer) {
      answer.onNext(PredictResponse.newBuilder().setCustomerId(request.getCustomerId()).build());
      answer.onCompleted();
    }
  }

  private static final class Insights extends ChurnInsightsServiceGrpc.ChurnInsightsServiceImplBase {
    @Override
    public void getPredictionStats(GetPredictionStatsRequest request,
        StreamObserver<GetPredictionStatsResponse> answer) {
      answer.onNext(GetPredictionStatsResponse.newBuilder()
          .setOverall(PredictionSummary.newBuilder().setPredictionCount(7))
          .build());
      answer.onCompleted();
    }

    @Override
    public void listPredictions(ListPredictionsRequest request, StreamObserver<ListPredictionsResponse> answer) {
      answer.onNext(ListPredictionsResponse.getDefaultInstance());
      answer.onCompleted();
    }

    @Override
    public void listCustomerPredictions(ListCustomerPredictionsRequest request,
        StreamObserver<ListCustomerPredictionsResponse> answer) {
      answer.onNext(ListCustomerPredictionsResponse.getDefaultInstance());
      answer.onCompleted();
    }

    @Override
    public void getRiskDistribution(GetRiskDistributionRequest request,
        StreamObserver<GetRiskDistributionResponse> answer) {
      answer.onNext(GetRiskDistributionResponse.getDefaultInstance());
      answer.onCompleted();
    }

    @Override
    public void getChurnOverTime(GetChurnOverTimeRequest request, StreamObserver<GetChurnOverTimeResponse> answer) {
      answer.onNext(GetChurnOverTimeResponse.getDefaultInstance());
      answer.onCompleted();
    }
  }

  /** The interface value Envoy forwarded on {@code call}, if exactly one; fails on several. */
  static Optional<String> interfaceOf(Call call) {
    if (call.interfaceValues().size() > 1) {
      throw new AssertionError("several x-churnwire-interface values upstream: " + call);
    }
    return call.interfaceValues().stream().findFirst();
  }
}
