package io.churnwire.server;

import static io.churnwire.server.AuthTokensTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.testsupport.TestCertificates;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens file and its roles on both ports over real Netty. */
class AuthTest {
  private static final String SCORER = "scorer-token";
  private static final String OPERATOR = "operator-token";
  private static final String BOTH = "both-roles-token";

  @TempDir Path dir;
  private Path tokensFile;
  private ServerApplication application;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private static String line(String token, String roles) throws Exception {
    return "sha256:" + sha256(token) + " " + roles + "\n";
  }

  private void start(String tokens) throws Exception {
    start(InProcessChurnwire.config(), tokens, 60);
  }

  private void start(ServerConfig config, String tokens, long reloadSeconds) throws Exception {
    tokensFile = Files.writeString(dir.resolve("tokens"), tokens);
    application = ServerApplication.startOnNetty(config.withAuthTokens(tokensFile, reloadSeconds),
        TestModels::small);
  }

  private String standardTokens() throws Exception {
    return "# test callers\n" + line(SCORER, "predict") + line(OPERATOR, "admin") + line(BOTH, "predict,admin");
  }

  private ManagedChannel publicPort() {
    return channel(application.port(), Callers.plaintext());
  }

  private ManagedChannel adminPort() {
    return channel(application.adminPort(), Callers.plaintext());
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel = Callers.channel(port, credentials);
    channels.add(channel);
    return channel;
  }

  private static CallCredentials header(String value) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        applier.apply(headers);
      }
    };
  }

  private static void assertUnauthenticated(Status status) {
    assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), status::toString);
    assertEquals("a valid bearer token is required", status.getDescription());
  }

  private static void await(Supplier<Status> call, Status.Code expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Status status = call.get();
    while (status.getCode() != expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
      status = call.get();
    }
    assertEquals(expected, status.getCode(), status::toString);
  }

  @Test
  void predict_withoutAToken_isUnauthenticated() throws Exception {
    start(standardTokens());

    assertUnauthenticated(Callers.predict(publicPort(), Callers.none()));
  }

  @Test
  void predict_withAnUnknownToken_isUnauthenticatedWithTheSameMessage() throws Exception {
    start(standardTokens());

    assertUnauthenticated(Callers.predict(publicPort(), Callers.bearer("guessed-token")));
    assertUnauthenticated(Callers.predict(publicPort(), header("Basic " + SCORER)));
    assertUnauthenticated(Callers.modelStatus(adminPort(), Callers.bearer("guessed-token")));
  }

  @Test
  void predict_withAPredictToken_isAnswered() throws Exception {
    start(standardTokens());

    assertEquals(Status.Code.OK, Callers.predict(publicPort(), Callers.bearer(SCORER)).getCode());
    assertEquals(Status.Code.OK, Callers.predict(publicPort(), header("bearer " + SCORER)).getCode());
  }

  @Test
  void adminService_withAPredictToken_isPermissionDeniedNamingTheRole() throws Exception {
    start(standardTokens());

    Status status = Callers.modelStatus(adminPort(), Callers.bearer(SCORER));

    assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status::toString);
    assertEquals("this call needs the 'admin' role", status.getDescription());
  }

  @Test
  void churnService_withAnAdminToken_isPermissionDeniedNamingTheRole() throws Exception {
    start(standardTokens());

    Status status = Callers.predict(publicPort(), Callers.bearer(OPERATOR));

    assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status::toString);
    assertEquals("this call needs the 'predict' role", status.getDescription());
    assertEquals(Status.Code.OK, Callers.modelStatus(adminPort(), Callers.bearer(OPERATOR)).getCode());
  }

  @Test
  void tokenWithBothRoles_isAnsweredOnBothServices() throws Exception {
    start(standardTokens());

    assertEquals(Status.Code.OK, Callers.predict(publicPort(), Callers.bearer(BOTH)).getCode());
    assertEquals(Status.Code.OK, Callers.modelStatus(adminPort(), Callers.bearer(BOTH)).getCode());
  }

  @Test
  void health_withoutAToken_isAnsweredOnBothPorts() throws Exception {
    start(standardTokens());

    assertEquals(ServingStatus.SERVING, Callers.health(publicPort()));
    assertEquals(ServingStatus.SERVING, Callers.health(adminPort()));
  }

  @Test
  void reflection_needsAValidTokenOfAnyRole() throws Exception {
    start(standardTokens());

    assertUnauthenticated(Callers.listServices(publicPort(), Callers.none()));
    assertUnauthenticated(Callers.listServices(adminPort(), Callers.bearer("guessed-token")));
    assertEquals(Status.Code.OK, Callers.listServices(publicPort(), Callers.bearer(OPERATOR)).getCode());
    assertEquals(Status.Code.OK, Callers.listServices(adminPort(), Callers.bearer(SCORER)).getCode());
  }

  @Test
  void reload_addedToken_isAcceptedAfterTheInterval() throws Exception {
    start(InProcessChurnwire.config(), line(SCORER, "predict"), 1);
    ManagedChannel channel = publicPort();
    assertUnauthenticated(Callers.predict(channel, Callers.bearer("new-token")));

    Files.writeString(tokensFile, line(SCORER, "predict") + line("new-token", "predict"));

    await(() -> Callers.predict(channel, Callers.bearer("new-token")), Status.Code.OK);
    assertEquals(Status.Code.OK, Callers.predict(channel, Callers.bearer(SCORER)).getCode());
  }

  @Test
  void reload_removedToken_isRefusedAfterTheInterval() throws Exception {
    start(InProcessChurnwire.config(), line(SCORER, "predict") + line(BOTH, "predict,admin"), 1);
    ManagedChannel channel = publicPort();
    assertEquals(Status.Code.OK, Callers.predict(channel, Callers.bearer(SCORER)).getCode());

    Files.writeString(tokensFile, line(BOTH, "predict,admin"));

    await(() -> Callers.predict(channel, Callers.bearer(SCORER)), Status.Code.UNAUTHENTICATED);
  }

  @Test
  void reload_brokenFile_keepsThePreviousTokens() throws Exception {
    start(InProcessChurnwire.config(), line(SCORER, "predict"), 1);
    ManagedChannel channel = publicPort();

    Files.writeString(tokensFile, line(SCORER, "predict") + line("new-token", "predict") + "sha256:zz predict\n");
    Thread.sleep(2_500);
    Files.writeString(tokensFile, line(SCORER, "predict") + line("new-token", "predict") + "sha256:zz predictt\n");
    Thread.sleep(2_500);

    assertEquals(Status.Code.OK, Callers.predict(channel, Callers.bearer(SCORER)).getCode());
    assertUnauthenticated(Callers.predict(channel, Callers.bearer("new-token")));
  }

  @Test
  void start_brokenTokensFile_failsNamingTheLine() throws Exception {
    IOException error = assertThrows(IOException.class,
        () -> start(InProcessChurnwire.config(), line(SCORER, "predict") + "subject:CN=x\n", 60));

    assertEquals("auth-tokens-file " + tokensFile + ": line 2: expected a credential and its roles separated by"
        + " white space", error.getMessage());
  }

  @Test
  void mtls_listedCertificateSubject_grantsItsRolesWithoutAToken() throws Exception {
    TestCertificates authority = TestCertificates.authority(dir.resolve("pki"), "ca");
    TestCertificates.Issued server = authority.server("server");
    TestCertificates.Issued bridge = authority.client("bridge");
    TestCertificates.Issued stranger = authority.client("stranger");
    ServerConfig mtls = InProcessChurnwire.config().withTls(server.certificate(), server.key(), 60)
        .withClientCa(authority.caFile());
    start(mtls, "subject:" + bridge.subject() + " predict\n" + line(OPERATOR, "admin"), 60);
    ManagedChannel asBridge = channel(application.port(), Callers.mutual(authority, bridge));
    ManagedChannel bridgeOnAdmin = channel(application.adminPort(), Callers.mutual(authority, bridge));
    ManagedChannel asStranger = channel(application.port(), Callers.mutual(authority, stranger));

    assertEquals(Status.Code.OK, Callers.predict(asBridge, Callers.none()).getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, Callers.modelStatus(bridgeOnAdmin, Callers.none()).getCode());
    assertEquals(Status.Code.OK, Callers.modelStatus(bridgeOnAdmin, Callers.bearer(OPERATOR)).getCode(),
        "a token adds its roles to the certificate's");
    assertUnauthenticated(Callers.predict(asBridge, Callers.bearer("guessed-token")));
    assertUnauthenticated(Callers.predict(asStranger, Callers.none()));
    assertTrue(bridge.subject().startsWith("CN=bridge"));
  }
}
