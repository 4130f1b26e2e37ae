package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Only the two scoring calls run on the transport thread; every other call keeps grpc's executor. */
class ScoringCallExecutorTest {
  private final ScoringCallExecutor supplier = new ScoringCallExecutor();

  @Test
  void predictAndPredictBatch_runOnTheTransportThread() {
    assertNotNull(executorFor(ChurnServiceGrpc.getPredictMethod()));
    assertNotNull(executorFor(ChurnServiceGrpc.getPredictBatchMethod()));
  }

  @Test
  void batchPredictMetadataAndInsights_keepTheDefaultExecutor() {
    assertNull(executorFor(ChurnServiceGrpc.getBatchPredictMethod()));
    assertNull(executorFor(ChurnServiceGrpc.getGetModelMetadataMethod()));
    assertNull(executorFor(ChurnInsightsServiceGrpc.getGetPredictionStatsMethod()));
  }

  private <ReqT, RespT> Executor executorFor(MethodDescriptor<ReqT, RespT> method) {
    return supplier.getExecutor(new CallOf<>(method), new Metadata());
  }

  /** A call that only knows its method, which is all the supplier reads. */
  private static final class CallOf<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final MethodDescriptor<ReqT, RespT> method;

    CallOf(MethodDescriptor<ReqT, RespT> method) {
      this.method = method;
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return method;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(RespT message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }
  }
}
