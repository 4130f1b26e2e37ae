package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.ChurnServiceGrpc;
import io.grpc.Attributes;
import io.grpc.CallCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@link ClientSecurity} combines its parts, reads its files and guards the bearer token; no server. */
class ClientSecurityTest {
  @TempDir
  Path directory;

  @Test
  void plaintext_isInsecureCredentialsWithoutCallCredentials() throws IOException {
    ClientSecurity security = ClientSecurity.plaintext();

    assertInstanceOf(InsecureChannelCredentials.class, security.channelCredentials());
    assertEquals(Optional.empty(), security.callCredentials());
  }

  @Test
  void tls_withCaFile_isTlsCredentialsTrustingThatFile() throws IOException {
    TestCertificates authority = TestCertificates.authority(directory, "ca");

    var credentials = assertInstanceOf(TlsChannelCredentials.class,
        ClientSecurity.tls(authority.caFile()).channelCredentials());

    assertEquals(Files.readString(authority.caFile()), new String(credentials.getRootCertificates()));
    assertEquals(null, credentials.getCertificateChain());
  }

  @Test
  void systemTrust_isTlsWithThePlatformsTrustStore() throws IOException {
    var credentials = assertInstanceOf(TlsChannelCredentials.class, ClientSecurity.systemTrust().channelCredentials());

    assertEquals(null, credentials.getRootCertificates());
    assertEquals(null, credentials.getTrustManagers());
  }

  @Test
  void mtls_presentsTheCertificateAndKey_andTokenMakesItComposite() throws IOException {
    TestCertificates authority = TestCertificates.authority(directory, "ca");
    TestCertificates.Issued alice = authority.client("alice");

    var composite = assertInstanceOf(CompositeChannelCredentials.class, ClientSecurity.tls(authority.caFile())
        .withClientCertificate(alice.certificate(), alice.key()).withToken("t0ken").channelCredentials());

    var tls = assertInstanceOf(TlsChannelCredentials.class, composite.getChannelCredentials());
    assertEquals(Files.readString(alice.certificate()).strip(), new String(tls.getCertificateChain()).strip());
    assertInstanceOf(BearerToken.class, composite.getCallCredentials());
  }

  @Test
  void clientCertificate_onAPlaintextSecurity_turnsTlsOn() {
    ClientSecurity security = ClientSecurity.plaintext().withClientCertificate(Path.of("c.crt"), Path.of("c.key"));

    assertTrue(security.tls());
  }

  @Test
  void missingCaFile_isAnIoErrorNamingIt() {
    Path missing = directory.resolve("missing-ca.pem");

    var error = assertThrows(IOException.class, () -> ClientSecurity.tls(missing).channelCredentials());

    assertTrue(error.getMessage().contains("missing-ca.pem"), error::getMessage);
  }

  @Test
  void client_caFileThatIsNotPem_isRefusedWhenBuilt() throws IOException {
    Path garbage = Files.writeString(directory.resolve("not-a-certificate.pem"), "hello\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> ChurnClient.builder("localhost:1").security(ClientSecurity.tls(garbage)).build().close());

    assertTrue(error.getMessage().contains("SslContext"), error::getMessage);
  }

  @Test
  void client_missingKeyFile_isRefusedWhenBuiltNamingTheFile() {
    Path missing = directory.resolve("missing.key");
    ClientSecurity security = ClientSecurity.systemTrust().withClientCertificate(directory.resolve("c.crt"), missing);

    var error = assertThrows(java.io.UncheckedIOException.class,
        () -> ChurnClient.builder("localhost:1").security(security).build().close());

    assertTrue(error.getMessage().startsWith("cannot read the client's TLS files: "), error::getMessage);
    assertTrue(error.getMessage().contains("c.crt"), error::getMessage);
  }

  @Test
  void certificateWithoutKey_isRefused() {
    var error = assertThrows(IllegalArgumentException.class, () -> new ClientSecurity(true, Optional.empty(),
        Optional.of(Path.of("c.crt")), Optional.empty(), Optional.empty(), Optional.empty()));

    assertTrue(error.getMessage().contains("give both or neither"), error::getMessage);
  }

  @Test
  void caFileWithoutTls_isRefused() {
    var error = assertThrows(IllegalArgumentException.class, () -> new ClientSecurity(false,
        Optional.of(Path.of("ca.pem")), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));

    assertEquals("a CA file or a client certificate needs TLS", error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "two words", "line\nbreak", "caf\u00e9"})
  void tokenThatCannotTravelInAHeader_isRefused(String token) {
    assertThrows(IllegalArgumentException.class, () -> ClientSecurity.plaintext().withToken(token));
  }

  @Test
  void readToken_takesTheFirstLineWithoutSurroundingWhiteSpace() throws IOException {
    Path file = Files.writeString(directory.resolve("token"), "  abc.DEF-123  \nsecond line\n");

    assertEquals("abc.DEF-123", ClientSecurity.readToken(file));
  }

  @Test
  void readToken_emptyFile_isRefusedNamingTheFile() throws IOException {
    Path file = Files.writeString(directory.resolve("empty-token"), "\n  \n");

    var error = assertThrows(IOException.class, () -> ClientSecurity.readToken(file));

    assertTrue(error.getMessage().contains("empty-token"), error::getMessage);
  }

  @Test
  void fromOptions_caFileAlone_impliesTls_andTheTokenFileIsRead() throws IOException {
    Path token = Files.writeString(directory.resolve("token"), "from-file\n");

    ClientSecurity security = ClientSecurity.fromOptions(false, Optional.of(Path.of("ca.pem")), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(token));

    assertTrue(security.tls());
    assertEquals(Optional.of("from-file"), security.token());
  }

  @Test
  void fromOptions_nothingGiven_isPlaintext() throws IOException {
    ClientSecurity security = ClientSecurity.fromOptions(false, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());

    assertEquals(ClientSecurity.plaintext(), security);
  }

  @Test
  void fromOptions_tokenAndTokenFile_isRefused() {
    var error = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.fromOptions(false,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("a"), Optional.of(Path.of("t"))));

    assertTrue(error.getMessage().contains("both"), error::getMessage);
  }

  @Test
  void toString_neverShowsTheToken() {
    String text = ClientSecurity.plaintext().withToken("very-secret").toString();

    assertFalse(text.contains("very-secret"), text);
    assertTrue(text.contains("token=(set)"), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scoring.example.com:50051", "10.0.0.7:50051", "127.0.0.1.example.com:50051",
      "[2001:db8::1]:50051", "localhost.example.com:443"})
  void bearerToken_overPlaintextToARemoteAuthority_failsUnauthenticatedWithoutSendingIt(String authority) {
    Outcome outcome = apply(SecurityLevel.NONE, authority);

    assertEquals(null, outcome.headers.get());
    assertEquals(Status.Code.UNAUTHENTICATED, outcome.failure.get().getCode());
    assertTrue(outcome.failure.get().getDescription().contains(authority), outcome.failure.get()::getDescription);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:50051", "127.0.0.1:50051", "127.1.2.3:9", "[::1]:50051", "localhost"})
  void bearerToken_overPlaintextToTheLoopbackInterface_isSent(String authority) {
    Outcome outcome = apply(SecurityLevel.NONE, authority);

    assertEquals(null, outcome.failure.get());
    assertEquals("Bearer t0ken", outcome.headers.get().get(BearerToken.AUTHORIZATION));
  }

  @Test
  void bearerToken_overTlsToARemoteAuthority_isSent() {
    Outcome outcome = apply(SecurityLevel.PRIVACY_AND_INTEGRITY, "scoring.example.com:50051");

    assertEquals("Bearer t0ken", outcome.headers.get().get(BearerToken.AUTHORIZATION));
  }

  /** What a {@link BearerToken} handed to gRPC: headers to send, or the status the call fails with. */
  private record Outcome(AtomicReference<Metadata> headers, AtomicReference<Status> failure) {}

  private static Outcome apply(SecurityLevel level, String authority) {
    Outcome outcome = new Outcome(new AtomicReference<>(), new AtomicReference<>());
    new BearerToken(() -> "t0ken").applyRequestMetadata(new CallCredentials.RequestInfo() {
      @Override
      public MethodDescriptor<?, ?> getMethodDescriptor() {
        return ChurnServiceGrpc.getPredictMethod();
      }

      @Override
      public SecurityLevel getSecurityLevel() {
        return level;
      }

      @Override
      public String getAuthority() {
        return authority;
      }

      @Override
      public Attributes getTransportAttrs() {
        return Attributes.EMPTY;
      }
    }, Runnable::run, new CallCredentials.MetadataApplier() {
      @Override
      public void apply(Metadata headers) {
        outcome.headers.set(headers);
      }

      @Override
      public void fail(Status status) {
        outcome.failure.set(status);
      }
    });
    return outcome;
  }
}
