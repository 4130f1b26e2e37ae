package io.churnwire.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.datasets.SyntheticCustomerFile;
import io.churnwire.history.HistoryConfig;
import io.churnwire.server.ModelBootstrap;
import io.churnwire.server.ServerApplication;
import io.churnwire.server.ServerConfig;
import io.churnwire.testsupport.DemoRegistry;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score --target}: the same file scored through two real servers on Netty in this JVM. */
class ScoreThroughServersTest {

  @TempDir Path dir;

  private final List<ServerApplication> servers = new ArrayList<>();

  /** Counts the {@code BatchPredict} calls a server receives. */
  static final class BatchCalls implements ServerInterceptor {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      if (call.getMethodDescriptor().getFullMethodName().endsWith("/BatchPredict")) {
        count.incrementAndGet();
      }
      return next.startCall(call, headers);
    }
  }

  private String start(BatchCalls calls) throws Exception {
    ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
        .withModelDir(DemoRegistry.shared())
        .withHistory(HistoryConfig.defaults().withUrl("jdbc:duckdb:" + dir.resolve("history-" + servers.size() + ".duckdb")));
    ServerApplication server = ServerApplication.start(config,
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).intercept(calls),
        () -> ModelBootstrap.load(config));
    servers.add(server);
    return "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    servers.forEach(ServerApplication::close);
  }

  @Test
  void score_targetTwoServers_roundRobinSpreadsTheCallsAndTheResultsMatchInProcess() throws Exception {
    BatchCalls first = new BatchCalls();
    BatchCalls second = new BatchCalls();
    String targets = start(first) + "," + start(second);
    Path customers = dir.resolve("customers.csv");
    SyntheticCustomerFile.write(customers, 2_000, 5);
    Path remote = dir.resolve("remote.csv");
    Path local = dir.resolve("local.csv");

    ScoreCommandTest.Run run = ScoreCommandTest.run("score", "--target", targets, "--input", customers.toString(),
        "--output", remote.toString(), "--batch-rows", "100", "--batch-items", "50", "--explain");
    ScoreCommandTest.Run inProcess = ScoreCommandTest.run("score", "--registry", DemoRegistry.shared().toString(),
        "--input", customers.toString(), "--output", local.toString(), "--explain");

    assertEquals(0, run.status(), run.err());
    assertEquals(0, inProcess.status(), inProcess.err());
    assertEquals(40, first.count.get() + second.count.get());
    assertTrue(first.count.get() > 0 && second.count.get() > 0,
        "round robin gives both servers calls: " + first.count + " and " + second.count);
    assertEquals(ScoreCommandTest.readCsv(local), ScoreCommandTest.readCsv(remote));
    assertTrue(run.out().contains("scored by   servers " + targets), run.out());
  }
}
