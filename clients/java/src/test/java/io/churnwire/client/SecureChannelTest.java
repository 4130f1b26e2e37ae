package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.server.ServerApplication;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetModelMetadataRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's TLS, mTLS and bearer token against the real server on Netty, its transport secured
 * with certificates of a test-time authority, and an interceptor noting what reached the server.
 */
class SecureChannelTest {
  private static final String TOKEN = "s3cr3t-t0ken";

  @TempDir
  static Path directory;

  private static TestCertificates authority;
  private static TestCertificates.Issued alice;
  private static final CallRecorder recorder = new CallRecorder();
  private static ServerApplication tlsServer;
  private static ServerApplication mtlsServer;
  private static ServerApplication plaintextServer;

  @BeforeAll
  static void start() throws IOException {
    authority = TestCertificates.authority(directory.resolve("ca"), "churnwire-test-ca");
    TestCertificates.Issued server = authority.server("server");
    alice = authority.client("alice");
    tlsServer = LiveServer.start(LiveServer.config(),
        TlsServerCredentials.create(server.certificate().toFile(), server.key().toFile()), recorder);
    mtlsServer = LiveServer.start(LiveServer.config(),
        TlsServerCredentials.newBuilder()
            .keyManager(server.certificate().toFile(), server.key().toFile())
            .trustManager(authority.caFile().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build(),
        recorder);
    plaintextServer = LiveServer.start(LiveServer.config(), recorder);
  }

  @AfterAll
  static void stop() {
    for (ServerApplication server : new ServerApplication[] {tlsServer, mtlsServer, plaintextServer}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @BeforeEach
  void forgetEarlierCalls() {
    recorder.clear();
  }

  private static ChurnClient client(ServerApplication server, ClientSecurity security) {
    return ChurnClient.builder(LiveServer.target(server))
        .deadline(Duration.ofSeconds(20))
        .retry(RetrySettings.none())
        .security(security)
        .build();
  }

  @Test
  void tls_trustingTheServersAuthority_predicts() {
    try (ChurnClient client = client(tlsServer, ClientSecurity.tls(authority.caFile()))) {

      var response = client.predict(Customers.risky());

      assertEquals("0001-RISKY", response.getCustomerId());
    }
    assertEquals(List.of(new CallRecorder.Seen("churnwire.v1.ChurnService/Predict", Optional.empty(),
        Optional.empty())), recorder.calls());
  }

  @Test
  void tls_localhostAsTarget_matchesTheCertificatesName() {
    String target = "localhost:" + tlsServer.port();
    try (ChurnClient client = ChurnClient.builder(target).retry(RetrySettings.none())
        .deadline(Duration.ofSeconds(20)).security(ClientSecurity.tls(authority.caFile())).build()) {

      var metadata = client.modelMetadata();

      assertTrue(!metadata.getVersion().isEmpty());
    }
  }

  @Test
  void tls_serverCertificateFromAnotherAuthority_isRefusedBeforeAnyCallReachesIt() {
    TestCertificates stranger = TestCertificates.authority(directory.resolve("other"), "other-ca");
    try (ChurnClient client = client(tlsServer, ClientSecurity.tls(stranger.caFile()))) {

      var error = assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, error.code(), error::getMessage);
    }
    assertEquals(List.of(), recorder.calls());
  }

  @Test
  void plaintextClient_toATlsServer_isRefused() {
    try (ChurnClient client = client(tlsServer, ClientSecurity.plaintext())) {

      var error = assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, error.code(), error::getMessage);
    }
    assertEquals(List.of(), recorder.calls());
  }

  @Test
  void mtls_clientCertificateOfTheTrustedAuthority_predicts_andTheServerSeesItsSubject() {
    ClientSecurity security = ClientSecurity.tls(authority.caFile())
        .withClientCertificate(alice.certificate(), alice.key());
    try (ChurnClient client = client(mtlsServer, security)) {

      var response = client.predict(Customers.loyal());

      assertEquals(Customers.loyal().getCustomerId(), response.getCustomerId());
    }
    assertEquals(List.of(new CallRecorder.Seen("churnwire.v1.ChurnService/Predict", Optional.empty(),
        Optional.of("CN=alice,O=Churnwire tests"))), recorder.calls());
  }

  @Test
  void mtls_withoutAClientCertificate_isRefused() {
    try (ChurnClient client = client(mtlsServer, ClientSecurity.tls(authority.caFile()))) {

      var error = assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, error.code(), error::getMessage);
    }
    assertEquals(List.of(), recorder.calls());
  }

  @Test
  void mtls_clientCertificateOfAnotherAuthority_isRefused() {
    TestCertificates.Issued mallory = TestCertificates.authority(directory.resolve("rogue"), "rogue-ca")
        .client("mallory");
    ClientSecurity security = ClientSecurity.tls(authority.caFile())
        .withClientCertificate(mallory.certificate(), mallory.key());
    try (ChurnClient client = client(mtlsServer, security)) {

      var error = assertThrows(ChurnClientException.class, () -> client.predict(Customers.risky()));

      assertEquals(Status.Code.UNAVAILABLE, error.code(), error::getMessage);
    }
    assertEquals(List.of(), recorder.calls());
  }

  @Test
  void token_overTls_reachesTheServerAsABearerHeaderOnEveryCall() {
    try (ChurnClient client = client(tlsServer, ClientSecurity.tls(authority.caFile()).withToken(TOKEN))) {

      client.predict(Customers.risky());
      client.modelMetadata();
    }
    assertEquals(List.of(
        new CallRecorder.Seen("churnwire.v1.ChurnService/Predict", Optional.of("Bearer " + TOKEN), Optional.empty()),
        new CallRecorder.Seen("churnwire.v1.ChurnService/GetModelMetadata", Optional.of("Bearer " + TOKEN),
            Optional.empty())), recorder.calls());
  }

  @Test
  void tokenAndClientCertificate_bothReachTheServer() {
    ClientSecurity security = ClientSecurity.tls(authority.caFile())
        .withClientCertificate(alice.certificate(), alice.key()).withToken(TOKEN);
    try (ChurnClient client = client(mtlsServer, security)) {

      client.predict(Customers.risky());
    }
    assertEquals(List.of(new CallRecorder.Seen("churnwire.v1.ChurnService/Predict", Optional.of("Bearer " + TOKEN),
        Optional.of("CN=alice,O=Churnwire tests"))), recorder.calls());
  }

  @Test
  void token_overPlaintextToTheLoopbackInterface_isSent() {
    try (ChurnClient client = client(plaintextServer, ClientSecurity.plaintext().withToken(TOKEN))) {

      client.predict(Customers.risky());
    }
    assertEquals(List.of(new CallRecorder.Seen("churnwire.v1.ChurnService/Predict", Optional.of("Bearer " + TOKEN),
        Optional.empty())), recorder.calls());
  }

  @Test
  void token_overPlaintextToARemoteHost_isNeverSent_andTheCallFailsUnauthenticated() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder(LiveServer.target(plaintextServer),
            ClientSecurity.plaintext().withToken(TOKEN).channelCredentials())
        .overrideAuthority("scoring.example.com:50051")
        .build();
    try {
      var error = assertThrows(StatusRuntimeException.class, () -> ChurnServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .getModelMetadata(GetModelMetadataRequest.getDefaultInstance()));

      assertEquals(Status.Code.UNAUTHENTICATED, error.getStatus().getCode(), error::getMessage);
      assertTrue(error.getStatus().getDescription().contains(
          "refusing to send a bearer token over plaintext to scoring.example.com:50051"), error::getMessage);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), recorder.calls());
  }
}
