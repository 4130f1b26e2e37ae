package io.churnwire.reliability;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server started as an operator starts it ({@code java -jar}, a free port or a fixed
 * one it can be restarted on), with its whole output in a log file so the campaign can measure
 * what hostile calls make it write.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("churnwire: listening on [^:]+:(\\d+), serving model (\\S+)");
  private static final Pattern ADMIN =
      Pattern.compile("churnwire: admin \\(ModelAdminService\\) on [^:]+:(\\d+)");
  private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w$.<>/]+\\(.*\\)$");

  private final Process process;
  private final Path log;
  private final int port;
  private final ManagedChannel channel;
  private final ManagedChannel adminChannel;

  private ServerProcess(Process process, Path log, int port, int adminPort) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.adminChannel = NettyChannelBuilder.forAddress("127.0.0.1", adminPort).usePlaintext().build();
  }

  /** Starts the server on {@code modelDir} with {@code flags} added; returns once it listens. */
  static ServerProcess start(Checkout checkout, Path modelDir, Path log, List<String> flags)
      throws IOException, InterruptedException {
    return startOn(0, checkout, modelDir, log, flags);
  }

  /**
   * Starts the server on {@code port} of 127.0.0.1 (0 for a free one), as a replica behind a load
   * balancer that knows its address is started again after a restart; returns once it listens.
   */
  static ServerProcess startOn(int port, Checkout checkout, Path modelDir, Path log, List<String> flags)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Checkout.jdkTool("java").toString(), "-Xmx512m",
        "-jar", checkout.serverJar().toString(),
        "--host=127.0.0.1", "--port=" + port, "--admin-port=0", "--metrics-port=0", "--history=off",
        "--model-dir=" + modelDir));
    command.addAll(flags);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (process.isAlive() && System.nanoTime() < deadline) {
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Matcher listening = LISTENING.matcher(output);
      Matcher admin = ADMIN.matcher(output);
      if (listening.find() && admin.find()) {
        return new ServerProcess(process, log, Integer.parseInt(listening.group(1)), Integer.parseInt(admin.group(1)));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    throw new IOException("the server did not start (" + String.join(" ", flags) + "):\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** One channel to the server for the campaign's clients. */
  ManagedChannel channel() {
    return channel;
  }

  /** A channel to the admin port ({@code ModelAdminService}). */
  ManagedChannel adminChannel() {
    return adminChannel;
  }

  /** Bytes the server has written to its output so far. */
  long logBytes() {
    try {
      return Files.size(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stack traces (runs of {@code at ...} frame lines) in the output written after {@code offset}. */
  long stackTracesSince(long offset) {
    long traces = 0;
    boolean inTrace = false;
    for (String line : logSince(offset).split("\n")) {
      boolean frame = STACK_FRAME.matcher(line).matches();
      if (frame && !inTrace) {
        traces++;
      }
      inTrace = frame;
    }
    return traces;
  }

  /** The output written after {@code offset}, decoded leniently. */
  String logSince(long offset) {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(offset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether health answers {@code SERVING} for the churn service. */
  boolean serving() {
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("churnwire.v1.ChurnService").build())
          .getStatus() == ServingStatus.SERVING;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether a valid {@code Predict} gets a probability. */
  boolean predicts() {
    try {
      PredictResponse answer = ChurnServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .predict(Customers.risky());
      double p = answer.getPrediction().getChurnProbability();
      return p >= 0 && p <= 1 && !answer.getPrediction().getModelVersion().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The server's threads as {@code jcmd <pid> Thread.print} shows them. */
  ThreadDump threadDump() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Checkout.jdkTool("jcmd").toString(), Long.toString(process.pid()),
        "Thread.print").redirectErrorStream(true).start();
    byte[] output = jcmd.getInputStream().readAllBytes();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      jcmd.destroyForcibly();
      throw new IOException("jcmd Thread.print failed: " + new String(output, StandardCharsets.UTF_8));
    }
    return ThreadDump.parse(new String(output, StandardCharsets.UTF_8));
  }

  /** SIGTERM, as an orchestrator stops a replica; returns at once (see {@link #awaitExit}). */
  void sigterm() {
    channel.shutdownNow();
    adminChannel.shutdownNow();
    process.destroy();
  }

  /**
   * Waits up to {@code bound} for the server to exit; its exit code, or empty when it was still
   * running and has been killed with SIGKILL.
   */
  OptionalInt awaitExit(Duration bound) throws InterruptedException {
    if (process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    return OptionalInt.empty();
  }

  /** SIGTERM (the server drains), then SIGKILL if it has not exited within 30 s. */
  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
