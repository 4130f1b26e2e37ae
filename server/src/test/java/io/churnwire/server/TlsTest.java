package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on both ports over real Netty, with certificates made at test time. */
class TlsTest {
  @TempDir Path dir;
  private TestCertificates authority;
  private TestCertificates.Issued serverCertificate;
  private ServerApplication application;

  @BeforeEach
  void issue() {
    authority = TestCertificates.authority(dir, "ca");
    serverCertificate = authority.server("server");
  }

  @AfterEach
  void stop() {
    if (application != null) {
      application.close();
    }
  }

  private ServerConfig tls(long reloadSeconds) {
    return InProcessChurnwire.config()
        .withTls(serverCertificate.certificate(), serverCertificate.key(), reloadSeconds);
  }

  private void start(ServerConfig config) throws IOException {
    application = ServerApplication.startOnNetty(config, TestModels::small);
  }

  private static Status predictOnce(int port, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel = Callers.channel(port, credentials);
    try {
      return Callers.predict(channel, Callers.none());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static Status modelStatusOnce(int port, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel = Callers.channel(port, credentials);
    try {
      return Callers.modelStatus(channel, Callers.none());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void tls_clientTrustingTheServersAuthority_isAnsweredOnBothPorts() throws Exception {
    start(tls(60));

    assertEquals(Status.Code.OK, predictOnce(application.port(), Callers.trusting(authority)).getCode());
    assertEquals(Status.Code.OK, modelStatusOnce(application.adminPort(), Callers.trusting(authority)).getCode());
  }

  @Test
  void tls_plaintextClient_isRefused() throws Exception {
    start(tls(60));

    assertEquals(Status.Code.UNAVAILABLE, predictOnce(application.port(), Callers.plaintext()).getCode());
    assertEquals(Status.Code.UNAVAILABLE, modelStatusOnce(application.adminPort(), Callers.plaintext()).getCode());
  }

  @Test
  void tls_clientTrustingAnotherAuthority_isRefused() throws Exception {
    TestCertificates stranger = TestCertificates.authority(dir.resolve("other"), "other-ca");
    start(tls(60));

    Status status = predictOnce(application.port(), Callers.trusting(stranger));

    assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status::toString);
  }

  @Test
  void mtls_clientWithoutACertificate_isRefused() throws Exception {
    start(tls(60).withClientCa(authority.caFile()));

    Status status = predictOnce(application.port(), Callers.trusting(authority));

    assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status::toString);
  }

  @Test
  void mtls_clientCertificateFromAnotherAuthority_isRefused() throws Exception {
    TestCertificates stranger = TestCertificates.authority(dir.resolve("other"), "other-ca");
    start(tls(60).withClientCa(authority.caFile()));

    Status status = predictOnce(application.port(), Callers.mutual(authority, stranger.client("intruder")));

    assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status::toString);
  }

  @Test
  void mtls_clientCertificateFromTheClientAuthority_isAnsweredOnBothPorts() throws Exception {
    start(tls(60).withClientCa(authority.caFile()));
    TestCertificates.Issued client = authority.client("scorer");

    assertEquals(Status.Code.OK, predictOnce(application.port(), Callers.mutual(authority, client)).getCode());
    assertEquals(Status.Code.OK,
        modelStatusOnce(application.adminPort(), Callers.mutual(authority, client)).getCode());
  }

  @Test
  void rotation_certificateFromANewAuthorityInTheSameFiles_isServedWithoutARestart() throws Exception {
    start(tls(1));
    assertEquals(Status.Code.OK, predictOnce(application.port(), Callers.trusting(authority)).getCode());
    TestCertificates next = TestCertificates.authority(dir, "next-ca");

    TestCertificates.Issued rotated = next.server("server");

    assertEquals(serverCertificate.certificate(), rotated.certificate());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Status status = predictOnce(application.port(), Callers.trusting(next));
    while (!status.isOk() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = predictOnce(application.port(), Callers.trusting(next));
    }
    assertEquals(Status.Code.OK, status.getCode(), "a client trusting only the new authority connects");
    assertEquals(Status.Code.UNAVAILABLE, predictOnce(application.port(), Callers.trusting(authority)).getCode(),
        "the old certificate is no longer served");
    assertEquals(Status.Code.OK, modelStatusOnce(application.adminPort(), Callers.trusting(next)).getCode());
  }

  @Test
  void start_missingCertificateFile_failsNamingIt() {
    ServerConfig config = InProcessChurnwire.config()
        .withTls(dir.resolve("absent.crt"), serverCertificate.key(), 60);

    IOException error = assertThrows(IOException.class, () -> start(config));

    assertTrue(error.getMessage().startsWith("cannot read the TLS certificate file " + dir.resolve("absent.crt")),
        error.getMessage());
  }
}
