package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ModelBootstrap;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.DemoRegistry;
import io.churnwire.testsupport.TestCertificates;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's TLS, mTLS and token flags against the real server on Netty, secured with
 * certificates of a test-time authority; an interceptor notes the {@code authorization} header of
 * every call that reached the server.
 */
class SecureCliTest {
  private static final String TOKEN = "cli-t0ken";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();

  @TempDir
  static Path directory;

  private static TestCertificates authority;
  private static TestCertificates.Issued client;
  private static ServerApplication mtlsServer;
  private static ServerApplication tlsServer;

  @BeforeAll
  static void start() throws IOException {
    authority = TestCertificates.authority(directory.resolve("ca"), "cli-test-ca");
    TestCertificates.Issued server = authority.server("server");
    client = authority.client("cli");
    tlsServer = start(TlsServerCredentials.create(server.certificate().toFile(), server.key().toFile()));
    mtlsServer = start(TlsServerCredentials.newBuilder()
        .keyManager(server.certificate().toFile(), server.key().toFile())
        .trustManager(authority.caFile().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build());
  }

  private static ServerApplication start(io.grpc.ServerCredentials credentials) throws IOException {
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0)
        .withModelDir(DemoRegistry.shared());
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        authorizations.add(String.valueOf(headers.get(AUTHORIZATION)));
        return next.startCall(call, headers);
      }
    };
    return ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials).intercept(recorder),
        () -> ModelBootstrap.load(config));
  }

  @AfterAll
  static void stop() {
    for (ServerApplication server : new ServerApplication[] {tlsServer, mtlsServer}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @BeforeEach
  void forgetEarlierCalls() {
    authorizations.clear();
  }

  /** Exit code and what the tool printed on stdout and stderr. */
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = ChurnCli.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static String[] predictArgs(ServerApplication server, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "--target", "localhost:" + server.port(),
        "--timeout", "20s", "--max-attempts", "1",
        "--customer-id", "7590-VHVEG", "--internet-service", "yes", "--number-dependents", "0",
        "--number-referrals", "0", "--satisfaction-score", "2", "--tenure-in-months", "3",
        "--total-long-distance-charges", "31.2", "--total-revenue", "250.5",
        "--contract", "month-to-month", "--payment-method", "mailed-check"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void predict_overTlsWithATokenFile_scores_andTheServerGetsTheBearerToken() throws IOException {
    Path tokenFile = Files.writeString(directory.resolve("token"), TOKEN + "\n");

    Run run = run(predictArgs(tlsServer, "--tls-ca-file", authority.caFile().toString(),
        "--token-file", tokenFile.toString()));

    assertEquals(0, run.exitCode(), run::err);
    assertTrue(run.out().contains("customer          7590-VHVEG"), run::out);
    assertEquals(List.of("Bearer " + TOKEN), authorizations);
  }

  @Test
  void predict_overMtlsWithAToken_scores() {
    Run run = run(predictArgs(mtlsServer, "--tls-ca-file", authority.caFile().toString(),
        "--tls-cert-file", client.certificate().toString(), "--tls-key-file", client.key().toString(),
        "--token", TOKEN));

    assertEquals(0, run.exitCode(), run::err);
    assertEquals(List.of("Bearer " + TOKEN), authorizations);
  }

  @Test
  void metadata_mtlsWithoutAClientCertificate_failsAndExitsOne() {
    Run run = run("metadata", "--target", "localhost:" + mtlsServer.port(), "--timeout", "20s",
        "--max-attempts", "1", "--tls-ca-file", authority.caFile().toString());

    assertEquals(ChurnCli.EXIT_FAILED, run.exitCode(), run::err);
    assertTrue(run.err().contains("churnwire: metadata failed: UNAVAILABLE"), run::err);
    assertEquals(List.of(), authorizations);
  }

  @Test
  void predict_plaintextToATlsServer_failsAndExitsOne() {
    Run run = run(predictArgs(tlsServer));

    assertEquals(ChurnCli.EXIT_FAILED, run.exitCode(), run::err);
    assertTrue(run.err().contains("predict failed: UNAVAILABLE"), run::err);
  }

  @Test
  void predict_missingTokenFile_isAUsageErrorNamingTheFlagAndTheFile() {
    Path missing = directory.resolve("no-such-token");

    Run run = run(predictArgs(tlsServer, "--tls", "--token-file", missing.toString()));

    assertEquals(ChurnCli.EXIT_INVALID, run.exitCode());
    assertEquals("churnwire: --token-file: no such file " + missing + System.lineSeparator(), run.err());
    assertEquals(List.of(), authorizations);
  }

  @Test
  void predict_unreadableCaFile_isAUsageErrorNamingTheFile() {
    Path missing = directory.resolve("no-such-ca.pem");

    Run run = run(predictArgs(tlsServer, "--tls-ca-file", missing.toString()));

    assertEquals(ChurnCli.EXIT_INVALID, run.exitCode());
    assertTrue(run.err().startsWith("churnwire: cannot read the client's TLS files: "), run::err);
    assertTrue(run.err().contains("no-such-ca.pem"), run::err);
  }
}
