package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.churnwire.telemetry.Logging;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class CallRecordsTest {
  private final AtomicReference<String> seenByHandler = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .intercept(new CallRecords())
        .addService(new HealthGrpc.HealthImplBase() {
          @Override
          public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
            seenByHandler.set(MDC.get(Logging.REQUEST_ID));
            responses.onNext(HealthCheckResponse.getDefaultInstance());
            responses.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    MDC.clear();
  }

  @Test
  void callbacks_runWithTheHeadersRequestIdInTheMdc_andLeaveItBehindNowhere() {
    Metadata headers = new Metadata();
    headers.put(RequestIds.HEADER, "mdc-1");

    HealthGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .check(HealthCheckRequest.getDefaultInstance());

    assertEquals("mdc-1", seenByHandler.get());
    assertNull(MDC.get(Logging.REQUEST_ID));
  }

  @Test
  void callWithoutAnId_isAnsweredWithAnAssignedOne() {
    AtomicReference<Metadata> answered = new AtomicReference<>();

    HealthGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>()))
        .check(HealthCheckRequest.getDefaultInstance());

    assertEquals(36, answered.get().get(RequestIds.HEADER).length());
  }

  @Test
  void idsThatAreNotShortPrintableAscii_areNotAccepted() {
    assertEquals("abc-123_Z.~", RequestIds.accepted("abc-123_Z.~").orElseThrow());
    assertEquals(java.util.Optional.empty(), RequestIds.accepted("has space"));
    assertEquals(java.util.Optional.empty(), RequestIds.accepted("line\nbreak"));
    assertEquals(java.util.Optional.empty(), RequestIds.accepted("é"));
    assertEquals(java.util.Optional.empty(), RequestIds.accepted(""));
    assertEquals(java.util.Optional.empty(), RequestIds.accepted("x".repeat(RequestIds.MAX_LENGTH + 1)));
  }
}
