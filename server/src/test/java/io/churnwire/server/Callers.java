package io.churnwire.server;

import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetModelStatusRequest;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test clients of a secured server: channels with or without TLS and client certificates, bearer
 * tokens, and one call per service returning how it ended.
 */
final class Callers {
  private Callers() {}

  static ChannelCredentials plaintext() {
    return InsecureChannelCredentials.create();
  }

  /** TLS trusting only {@code authority}'s certificate. */
  static ChannelCredentials trusting(TestCertificates authority) {
    return trusting(authority.caFile());
  }

  static ChannelCredentials trusting(Path caFile) {
    try {
      return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** TLS trusting {@code authority}, presenting {@code client}'s certificate (mTLS). */
  static ChannelCredentials mutual(TestCertificates authority, TestCertificates.Issued client) {
    try {
      return TlsChannelCredentials.newBuilder().trustManager(authority.caFile().toFile())
          .keyManager(client.certificate().toFile(), client.key().toFile()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ManagedChannel channel(int port, ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress("localhost", port, credentials).build();
  }

  /** Sends {@code authorization: Bearer <token>} with every call. */
  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  /** {@code Predict}: OK or how it failed. */
  static Status predict(ManagedChannel channel, CallCredentials credentials) {
    try {
      ChurnServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
          .withDeadlineAfter(20, TimeUnit.SECONDS).predict(Customers.risky());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** {@code GetModelStatus}: OK or how it failed. */
  static Status modelStatus(ManagedChannel channel, CallCredentials credentials) {
    try {
      ModelAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
          .withDeadlineAfter(20, TimeUnit.SECONDS).getModelStatus(GetModelStatusRequest.getDefaultInstance());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** Health of the churn service, with no credentials at all. */
  static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ServiceNames.CHURN_SERVICE).build()).getStatus();
  }

  /** A v1 reflection {@code list_services}: OK or how it failed. */
  static Status listServices(ManagedChannel channel, CallCredentials credentials) throws InterruptedException {
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .withCallCredentials(credentials).withDeadlineAfter(20, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {}

          @Override
          public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            end.complete(Status.OK);
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    try {
      return end.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("reflection did not end", e);
    }
  }

  /** No credentials of the call's own. */
  static CallCredentials none() {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        applier.apply(new Metadata());
      }
    };
  }
}
