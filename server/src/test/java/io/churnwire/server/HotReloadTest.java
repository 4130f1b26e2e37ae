package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.churnwire.datasets.TrainingData;
import io.churnwire.history.HistoryConfig;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.ModelRegistry;
import io.churnwire.testsupport.Customers;
import io.churnwire.training.Algorithm;
import io.churnwire.training.DeployCheck;
import io.churnwire.training.ModelTrainer;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.GetModelStatusRequest;
import io.churnwire.v1.GetModelStatusResponse;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.ReloadModelRequest;
import io.churnwire.v1.ReloadModelResponse;
import io.churnwire.v1.ReloadOutcome;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Netty server following a model registry while clients keep calling it. */
class HotReloadTest {
  /** Floors the small test models pass; these tests are about reloading, not the deploy check. */
  private static final DeployCheck LENIENT = new DeployCheck(0.5, 0.1, 0.1, 0.1);

  @TempDir Path registryDir;
  private ModelRegistry registry;
  private ServerApplication application;
  private ManagedChannel channel;
  private ManagedChannel adminChannel;
  private String gbt;
  private String forest;
  private String logistic;

  @BeforeEach
  void startOnARegistry() throws Exception {
    registry = ModelRegistry.at(registryDir);
    gbt = register(TestModels.smallResult());
    forest = register(TestModels.forest());
    logistic = register(TestModels.logistic());
    registry.promote(gbt, LENIENT);
    ServerConfig config = ServerConfig.defaults().withHistory(HistoryConfig.off()).withHost("127.0.0.1").withPort(0)
        .withModelDir(registryDir).withReloadIntervalMillis(50);
    application = ServerApplication.start(config, NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), () -> ModelBootstrap.load(config));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", application.port()).usePlaintext().build();
    adminChannel = NettyChannelBuilder.forAddress("127.0.0.1", application.adminPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (adminChannel != null) {
      adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (application != null) {
      application.close();
    }
  }

  private String register(ModelTrainer.Result result) throws Exception {
    return result.registerIn(registry, null).version();
  }

  private String serving() {
    return application.models().current().map(ServingModel::version).orElse("");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private ModelAdminServiceGrpc.ModelAdminServiceBlockingStub admin() {
    return ModelAdminServiceGrpc.newBlockingStub(adminChannel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private GetModelStatusResponse status() {
    return admin().getModelStatus(GetModelStatusRequest.getDefaultInstance());
  }

  private static ErrorInfo errorInfo(StatusRuntimeException e) throws InvalidProtocolBufferException {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertNotNull(status, "the error carries a google.rpc.Status");
    return status.getDetails(0).unpack(ErrorInfo.class);
  }

  @Test
  void swapsUnderConcurrentLoad_noCallFails_andEveryAnswerNamesAKnownVersion() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong calls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Map<String, AtomicLong> answersByVersion = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int client = t;
      Thread thread = new Thread(() -> {
        ChurnServiceGrpc.ChurnServiceBlockingStub stub = ChurnServiceGrpc.newBlockingStub(channel);
        for (int i = 0; running.get() && i < 1_000_000; i++) {
          PredictRequest request = (i % 2 == 0 ? Customers.risky() : Customers.loyal()).toBuilder()
              .setExplain((i + client) % 7 == 0).build();
          try {
            String version = stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(request)
                .getPrediction().getModelVersion();
            answersByVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
          calls.incrementAndGet();
        }
      }, "client-" + t);
      thread.start();
      clients.add(thread);
    }

    await(() -> calls.get() > 200, "the load to start");
    registry.promote(forest, LENIENT);
    await(() -> serving().equals(forest), "the poller to swap in the forest");
    registry.promote(logistic, LENIENT);
    ReloadModelResponse reloaded = admin().reloadModel(
        ReloadModelRequest.newBuilder().setExpectedVersion(logistic).build());
    assertEquals(logistic, reloaded.getServingVersion());
    assertEquals(logistic, serving());
    assertEquals(forest, registry.rollback());
    await(() -> serving().equals(forest), "the rollback to be followed");
    registry.promote(gbt, LENIENT);
    admin().reloadModel(ReloadModelRequest.getDefaultInstance());
    assertEquals(gbt, serving());
    registry.promote(logistic, LENIENT);
    await(() -> serving().equals(logistic), "the last promotion to be followed");
    long callsAtLastSwap = calls.get();
    await(() -> calls.get() > callsAtLastSwap + 200, "calls on the last model");
    running.set(false);
    for (Thread thread : clients) {
      thread.join(30_000);
    }

    assertEquals(0, failures.get(), () -> "failed calls, first: " + firstFailure.get());
    assertEquals(Set.of(gbt, forest, logistic), answersByVersion.keySet(),
        "every answer names one of the registered versions, and each served some");
    assertTrue(calls.get() > 400, "calls made: " + calls.get());
    assertEquals(ReloadOutcome.RELOAD_OUTCOME_SWAPPED, status().getLastReloadOutcome());
  }

  @Test
  void corruptProductionModel_isRejected_andTheOldModelKeepsServingWithHealthServing() throws Exception {
    Path bin = registry.versionDir(forest).resolve("model.pb");
    byte[] bytes = Files.readAllBytes(bin);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(bin, bytes);
    Files.writeString(registryDir.resolve(ModelRegistry.PRODUCTION), forest + "\n");

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> admin().reloadModel(ReloadModelRequest.getDefaultInstance()));

    assertEquals(Status.Code.FAILED_PRECONDITION, error.getStatus().getCode());
    assertEquals("MODEL_REJECTED", errorInfo(error).getReason());
    assertTrue(error.getStatus().getDescription().contains("SHA-256"), error.getStatus().getDescription());
    assertFalse(error.getStatus().getDescription().contains(registryDir.toAbsolutePath().toString()),
        error.getStatus().getDescription());
    GetModelStatusResponse status = status();
    assertFalse(status.getLastReloadError().contains(registryDir.toAbsolutePath().toString()),
        status.getLastReloadError());
    assertEquals(gbt, status.getServingVersion());
    assertEquals(forest, status.getProductionVersion());
    assertEquals(ReloadOutcome.RELOAD_OUTCOME_REJECTED, status.getLastReloadOutcome());
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService(ServiceNames.CHURN_SERVICE).build()).getStatus());
    assertEquals(gbt, ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky())
        .getPrediction().getModelVersion());
  }

  @Test
  void incompatibleModel_promoted_isRejectedByThePollerAndTheOldModelKeepsServing() throws Exception {
    FeatureSchema odd = new FeatureSchema(List.of(
        FeatureSpec.integer("tenure_in_months", 0, 1200, "Months with the company."),
        FeatureSpec.integer("shoe_size", 30, 50, "Not a field of the contract.")));
    Random random = new Random(5);
    double[][] rows = new double[600][];
    int[] labels = new int[600];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {random.nextInt(72), 30 + random.nextInt(21)};
      labels[i] = random.nextDouble() < (rows[i][0] < 12 ? 0.7 : 0.1) ? 1 : 0;
    }
    TrainingData data = new TrainingData(odd, rows, labels, "odd", "0".repeat(64));
    ModelTrainer.Result result = ModelTrainer.train(data, TestModels.OPTIONS.withAlgorithms(Algorithm.LOGISTIC_REGRESSION),
        ModelTrainer.Listener.SILENT);
    String incompatible = register(result);

    registry.promote(incompatible, LENIENT);
    await(() -> status().getLastReloadOutcome() == ReloadOutcome.RELOAD_OUTCOME_REJECTED, "the rejection");

    GetModelStatusResponse status = status();
    assertEquals(incompatible, status.getLastReloadVersion());
    assertTrue(status.getLastReloadError().contains("shoe_size"), status.getLastReloadError());
    assertEquals(gbt, serving());
    assertEquals(gbt, ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.loyal())
        .getPrediction().getModelVersion());
  }

  @Test
  void poller_rejectedVersionWhoseFilesAreRepaired_isValidatedAgainAndSwappedInWithoutAPointerMove()
      throws Exception {
    Path bin = registry.versionDir(forest).resolve("model.pb");
    byte[] good = Files.readAllBytes(bin);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x01;
    Files.write(bin, bad);
    Files.writeString(registryDir.resolve(ModelRegistry.PRODUCTION), forest + "\n");
    await(() -> status().getLastReloadOutcome() == ReloadOutcome.RELOAD_OUTCOME_REJECTED, "the rejection");

    Files.write(bin, good);
    Files.setLastModifiedTime(bin, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(bin).toMillis() + 5_000));
    await(() -> serving().equals(forest), "the repaired model to be swapped in");

    assertEquals(ReloadOutcome.RELOAD_OUTCOME_SWAPPED, status().getLastReloadOutcome());
    assertEquals(forest, ChurnServiceGrpc.newBlockingStub(channel).predict(Customers.risky())
        .getPrediction().getModelVersion());
  }

  @Test
  void garbagePointer_reloadIsFailedPreconditionWithAMessage_andTheStatusStillAnswers() throws Exception {
    Files.writeString(registryDir.resolve(ModelRegistry.PRODUCTION), "../../etc/passwd\n");

    StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
        () -> admin().reloadModel(ReloadModelRequest.getDefaultInstance()));
    GetModelStatusResponse status = status();

    assertEquals(Status.Code.FAILED_PRECONDITION, error.getStatus().getCode());
    assertEquals("MODEL_REJECTED", errorInfo(error).getReason());
    String description = error.getStatus().getDescription();
    assertTrue(description.contains("cannot read the production pointer: " + registryDir.getFileName()
        + "/production holds '../../etc/passwd'"), description);
    assertTrue(status.getLastReloadError().startsWith("cannot read the production pointer"),
        status.getLastReloadError());
    assertFalse(status.getLastReloadError().contains(registryDir.toAbsolutePath().toString()));
    assertEquals(gbt, status.getServingVersion());
    assertEquals(gbt, serving());
  }

  @Test
  void reloadModel_expectedVersionIsNotProduction_isFailedPreconditionAndChangesNothing() throws Exception {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> admin().reloadModel(
        ReloadModelRequest.newBuilder().setExpectedVersion(forest).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, error.getStatus().getCode());
    assertEquals("PRODUCTION_VERSION_MISMATCH", errorInfo(error).getReason());
    assertEquals(gbt, serving());
  }

  @Test
  void reloadModel_malformedExpectedVersion_isInvalidArgumentNamingTheField() {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> admin().reloadModel(
        ReloadModelRequest.newBuilder().setExpectedVersion("latest").build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    assertTrue(Errors.violations(error).containsKey("expected_version"));
  }

  @Test
  void reloadModel_productionAlreadyServed_isUnchanged() {
    ReloadModelResponse response = admin().reloadModel(ReloadModelRequest.getDefaultInstance());

    assertFalse(response.getChanged());
    assertEquals(gbt, response.getServingVersion());
    assertEquals(gbt, response.getPreviousVersion());
  }

  @Test
  void getModelStatus_reportsTheServedAndProductionVersionsAndTheRegistryByItsNameOnly() {
    GetModelStatusResponse status = status();

    assertEquals(gbt, status.getServingVersion());
    assertEquals(gbt, status.getProductionVersion());
    assertEquals(registryDir.getFileName().toString(), status.getRegistry());
    assertEquals(ReloadOutcome.RELOAD_OUTCOME_UNSPECIFIED, status.getLastReloadOutcome());
  }

  @Test
  void reloadModel_withoutARegistry_isFailedPrecondition() throws Exception {
    try (InProcessChurnwire inProcess = InProcessChurnwire.start(InProcessChurnwire.config())) {
      StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
          () -> ModelAdminServiceGrpc.newBlockingStub(inProcess.adminChannel)
              .reloadModel(ReloadModelRequest.getDefaultInstance()));

      assertEquals(Status.Code.FAILED_PRECONDITION, error.getStatus().getCode());
      assertEquals("NO_PRODUCTION_MODEL", errorInfo(error).getReason());
    }
  }
}
