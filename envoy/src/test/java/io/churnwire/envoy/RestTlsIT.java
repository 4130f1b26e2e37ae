package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static io.churnwire.envoy.RestGateway.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.Customers;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.testsupport.TestCertificates;
import io.churnwire.v1.GetModelMetadataResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.PredictResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * REST over TLS end to end: HTTPS (and mTLS) from the REST client to Envoy, mTLS from Envoy to the
 * real server started with TLS, a client CA and a tokens file, all with certificates from one
 * test authority. The client's {@code authorization} header reaches the server, whose refusals
 * come back as 401 and 403, a server certificate that does not name the configured server is
 * refused, and a certificate replaced on disk is served without restarting Envoy.
 */
class RestTlsIT {
  private static final String PREDICT_TOKEN = "predict-token-4f1c";
  private static final String ADMIN_TOKEN = "admin-token-9b2e";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private static Path workDir;
  private static TestCertificates authority;
  private static TestCertificates.Issued restClientCertificate;
  private static ServerApplication server;
  private static EnvoyProcess tls;
  private static EnvoyProcess mutualTls;
  private static EnvoyProcess wrongServerName;

  @BeforeAll
  static void start() throws Exception {
    workDir = Files.createTempDirectory("churnwire-envoy-tls-it");
    authority = TestCertificates.authority(workDir.resolve("pki"), "churnwire-test-ca");
    TestCertificates.Issued serverCertificate = authority.server("server");
    TestCertificates.Issued envoyClientCertificate = authority.client("envoy");
    TestCertificates.Issued restCertificate = authority.server("rest");
    restClientCertificate = authority.client("rest-client");

    Path tokens = workDir.resolve("tokens.txt");
    Files.writeString(tokens, String.join("\n",
        "# REST callers reach the server through Envoy, so they authenticate with their own tokens;",
        "# Envoy's certificate subject grants nothing.",
        "sha256:" + sha256(PREDICT_TOKEN) + " predict",
        "sha256:" + sha256(ADMIN_TOKEN) + " admin",
        ""));
    server = ServerApplication.start(ServerConfig.defaults()
        .withHost("127.0.0.1").withPort(0)
        .withAdminAddress("127.0.0.1", 0)
        .withModelDir(DemoRegistry.shared())
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + workDir.resolve("history.duckdb")))
        .withTls(serverCertificate.certificate(), serverCertificate.key(), 0)
        .withClientCa(authority.caFile())
        .withAuthTokens(tokens, 0));

    List<String> upstreamMutualTls = List.of(
        "--upstream-tls-ca-file=" + authority.caFile(),
        "--upstream-tls-cert-file=" + envoyClientCertificate.certificate(),
        "--upstream-tls-key-file=" + envoyClientCertificate.key());
    List<String> restTls = List.of(
        "--tls-cert-file=" + restCertificate.certificate(),
        "--tls-key-file=" + restCertificate.key());
    tls = EnvoyProcess.start(server.port(), directory("tls"), concat(restTls, upstreamMutualTls,
        List.of("--http-upstream=127.0.0.1:" + server.metricsPort())), true);
    mutualTls = EnvoyProcess.start(server.port(), directory("mtls"),
        concat(restTls, upstreamMutualTls, List.of("--tls-client-ca-file=" + authority.caFile())), true);
    wrongServerName = EnvoyProcess.start(server.port(), directory("wrong-name"),
        concat(restTls, upstreamMutualTls, List.of("--upstream-tls-server-name=scoring.example.com")), false);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (EnvoyProcess envoy : new EnvoyProcess[] {tls, mutualTls, wrongServerName}) {
        if (envoy != null) {
          envoy.close();
        }
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (workDir != null) {
        RestGateway.deleteTree(workDir);
      }
    }
  }

  @Test
  void predictAndMetadata_overHttpsAndMutualTlsUpstream_withAPredictToken_are200() throws Exception {
    PredictRequest customer = Customers.readmeExample();
    HttpClient client = https(Optional.empty());

    HttpResponse<String> predict = client.send(post(tls.rest("/v1/customers:predict"), json(customer),
        Optional.of(PREDICT_TOKEN)), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metadata = client.send(get(tls.rest("/v1/model"), Optional.of(PREDICT_TOKEN)),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(200, predict.statusCode(), predict::body);
    PredictResponse answer = parse(predict.body(), PredictResponse.newBuilder(), PredictResponse.class);
    assertEquals(customer.getCustomerId(), answer.getCustomerId());
    assertTrue(answer.getPrediction().getChurnProbability() >= 0
        && answer.getPrediction().getChurnProbability() <= 1, predict::body);
    assertEquals(200, metadata.statusCode(), metadata::body);
    assertTrue(parse(metadata.body(), GetModelMetadataResponse.newBuilder(), GetModelMetadataResponse.class)
        .hasModel(), metadata::body);
  }

  @Test
  void console_overHttps_comesFromTheServersPlainHttpPort_besideTheMutualTlsGrpcUpstream() throws Exception {
    HttpResponse<String> page = https(Optional.empty()).send(get(tls.rest("/console/"), Optional.empty()),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(200, page.statusCode(), page::body);
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
    assertTrue(page.body().contains("<title>Churnwire console</title>"), page::body);
  }

  @Test
  void predict_withoutBearerToken_is401WithUnauthenticatedStatus() throws Exception {
    HttpResponse<String> response = https(Optional.empty()).send(
        post(tls.rest("/v1/customers:predict"), json(Customers.readmeExample()), Optional.empty()),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(401, response.statusCode(), response::body);
    Status status = status(response);
    assertEquals(Code.UNAUTHENTICATED_VALUE, status.getCode());
    assertEquals("a valid bearer token is required", status.getMessage());
  }

  @Test
  void predict_withUnknownBearerToken_is401() throws Exception {
    HttpResponse<String> response = https(Optional.empty()).send(
        post(tls.rest("/v1/customers:predict"), json(Customers.readmeExample()), Optional.of("not-a-token")),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(401, response.statusCode(), response::body);
    assertEquals(Code.UNAUTHENTICATED_VALUE, status(response).getCode());
  }

  @Test
  void predict_withATokenLackingThePredictRole_is403NamingTheRole() throws Exception {
    HttpResponse<String> response = https(Optional.empty()).send(
        post(tls.rest("/v1/customers:predict"), json(Customers.readmeExample()), Optional.of(ADMIN_TOKEN)),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(403, response.statusCode(), response::body);
    Status status = status(response);
    assertEquals(Code.PERMISSION_DENIED_VALUE, status.getCode());
    assertTrue(status.getMessage().contains("predict"), status::getMessage);
  }

  @Test
  void plaintextRestClient_isRefusedByTheTlsListener() {
    HttpClient plaintext = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    assertThrows(IOException.class, () -> plaintext.send(
        get(tls.restWithoutTls("/v1/model"), Optional.of(PREDICT_TOKEN)), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void mutualTlsListener_refusesAClientWithoutCertificate_andServesOneWithIt() throws Exception {
    HttpRequest request = get(mutualTls.rest("/v1/model"), Optional.of(PREDICT_TOKEN));

    HttpResponse<String> withCertificate = https(Optional.of(restClientCertificate))
        .send(request, HttpResponse.BodyHandlers.ofString());

    assertEquals(200, withCertificate.statusCode(), withCertificate::body);
    assertThrows(IOException.class,
        () -> https(Optional.empty()).send(request, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void serverCertificateNotNamingTheConfiguredServerName_isRefused_andRestIs503() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (wrongServerName.stat("cluster.churnwire_grpc.ssl.fail_verify_san") == 0) {
      assertTrue(System.nanoTime() < deadline,
          () -> "Envoy never checked the server certificate's name:\n" + wrongServerName.log());
      Thread.sleep(100);
    }

    HttpResponse<String> response = https(Optional.empty()).send(
        post(wrongServerName.rest("/v1/customers:predict"), json(Customers.readmeExample()),
            Optional.of(PREDICT_TOKEN)),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(503, response.statusCode(), response::body);
    assertEquals(Code.UNAVAILABLE_VALUE, status(response).getCode());
  }

  @Test
  void restCertificateReplacedOnDisk_isServedWithoutARestart() throws Exception {
    BigInteger before = servedCertificateSerial();

    authority.server("rest");

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    BigInteger now = servedCertificateSerial();
    while (now.equals(before)) {
      assertTrue(System.nanoTime() < deadline,
          () -> "Envoy still serves the replaced certificate " + before + ":\n" + tls.log());
      Thread.sleep(100);
      now = servedCertificateSerial();
    }
    HttpResponse<String> afterRotation = https(Optional.empty()).send(
        get(tls.rest("/v1/model"), Optional.of(PREDICT_TOKEN)), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, afterRotation.statusCode(), afterRotation::body);
  }

  /** The serial number of the certificate Envoy's TLS listener presents to a new connection. */
  private static BigInteger servedCertificateSerial() throws IOException, InterruptedException {
    HttpResponse<String> response = https(Optional.empty()).send(
        get(tls.rest("/v1/model"), Optional.of(PREDICT_TOKEN)), HttpResponse.BodyHandlers.ofString());
    SSLSession session = response.sslSession().orElseThrow(() -> new AssertionError("not over TLS"));
    return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
  }

  private static HttpClient https(Optional<TestCertificates.Issued> clientCertificate) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(PemTls.context(authority.caFile(), clientCertificate))
        .build();
  }

  private static HttpRequest post(URI uri, String json, Optional<String> token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    token.ifPresent(value -> request.header("authorization", "Bearer " + value));
    return request.build();
  }

  private static HttpRequest get(URI uri, Optional<String> token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).GET();
    token.ifPresent(value -> request.header("authorization", "Bearer " + value));
    return request.build();
  }

  private static String sha256(String token) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static Path directory(String name) throws IOException {
    return Files.createDirectories(workDir.resolve(name));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
  }
}
