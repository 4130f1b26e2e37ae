package io.churnwire.server;

import io.churnwire.history.PredictionStore;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.GetFeatureDriftRequest;
import io.churnwire.v1.GetFeatureDriftResponse;
import io.churnwire.v1.GetModelPerformanceRequest;
import io.churnwire.v1.GetModelPerformanceResponse;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * {@code churnwire.v1.ChurnMonitoringService}: outcomes fed back, and the realised performance and
 * feature drift of the model versions, over gRPC (and REST through Envoy). A thin converter around
 * {@link ModelMonitor}; requests are validated on the transport thread and the store is asked on
 * the {@link InsightsExecutor}, like the insights calls, with the same answers when the history is
 * off, unreachable or busy.
 */
final class ChurnMonitoringServiceImpl extends ChurnMonitoringServiceGrpc.ChurnMonitoringServiceImplBase {
  private final HistoryCalls calls;
  private final ModelMonitor monitor;

  /**
   * @param store the history; empty when it is off
   * @param executor where the store is asked
   * @param monitor what measures
   */
  ChurnMonitoringServiceImpl(Optional<PredictionStore> store, InsightsExecutor executor, ModelMonitor monitor) {
    this.calls = new HistoryCalls(store, executor);
    this.monitor = monitor;
  }

  @Override
  public void recordOutcomes(RecordOutcomesRequest request, StreamObserver<RecordOutcomesResponse> responses) {
    calls.answer(responses,
        () -> MonitoringRequests.outcomes(request, monitor.config().outcomesMaxBatch(), monitor.clock().instant()),
        (store, outcomes) -> MonitoringProtos.outcomes(monitor.record(store, outcomes)));
  }

  @Override
  public void getModelPerformance(GetModelPerformanceRequest request,
      StreamObserver<GetModelPerformanceResponse> responses) {
    calls.answer(responses, () -> MonitoringRequests.performance(request), (store, query) ->
        MonitoringProtos.performance(monitor.performance(store, query.modelVersion(), query.range())));
  }

  @Override
  public void getFeatureDrift(GetFeatureDriftRequest request, StreamObserver<GetFeatureDriftResponse> responses) {
    calls.answer(responses, () -> MonitoringRequests.drift(request), (store, query) ->
        MonitoringProtos.drift(monitor.drift(store, query.modelVersion(), query.start(), query.end())));
  }
}
