package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.churnwire.runtime.ModelVersion;
import io.churnwire.v1.GetModelStatusRequest;
import io.churnwire.v1.GetModelStatusResponse;
import io.churnwire.v1.ModelAdminServiceGrpc;
import io.churnwire.v1.ReloadModelRequest;
import io.churnwire.v1.ReloadModelResponse;
import io.churnwire.v1.ReloadOutcome;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code churnwire.v1.ModelAdminService}: lets deployment tooling make the server follow a
 * promotion at once and see which model it serves. The reload itself runs on the
 * {@link ModelReloader}'s thread; this class only translates outcomes into statuses, each with a
 * message, and names the registry by its directory name rather than its location.
 */
public final class ModelAdminServiceImpl extends ModelAdminServiceGrpc.ModelAdminServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(ModelAdminServiceImpl.class);

  private final ModelReloader reloader;
  private final ModelHolder models;

  /** Serves {@code reloader}'s reloads and reports the model in {@code models}. */
  public ModelAdminServiceImpl(ModelReloader reloader, ModelHolder models) {
    this.reloader = reloader;
    this.models = models;
  }

  @Override
  public void reloadModel(ReloadModelRequest request, StreamObserver<ReloadModelResponse> responses) {
    String expected = request.getExpectedVersion();
    if (!expected.isEmpty() && !ModelVersion.isVersion(expected)) {
      responses.onError(Statuses.toException(Statuses.invalidField("expected_version",
          "must be a version such as sha256:0123456789abcdef, got '" + SafeLog.value(expected) + "'")));
      return;
    }
    reloader.reload(expected).whenComplete((attempt, error) -> {
      try {
        if (error != null) {
          responses.onError(unavailable("the reload did not run: "
              + ModelReloader.describe(error instanceof CompletionException && error.getCause() != null
                  ? error.getCause() : error)));
          return;
        }
        answer(attempt, responses);
      } catch (RuntimeException e) {
        log.error("cannot answer a reload", e);
        responses.onError(internal("cannot answer the reload: " + ModelReloader.describe(e)));
      }
    });
  }

  private static void answer(ModelReloader.Attempt attempt, StreamObserver<ReloadModelResponse> responses) {
    switch (attempt.outcome()) {
      case SWAPPED, UNCHANGED -> {
        responses.onNext(ReloadModelResponse.newBuilder()
            .setServingVersion(attempt.servingVersion())
            .setPreviousVersion(attempt.previousVersion())
            .setChanged(attempt.outcome() == ModelReloader.Outcome.SWAPPED)
            .build());
        responses.onCompleted();
      }
      case REJECTED -> responses.onError(failedPrecondition("MODEL_REJECTED",
          (attempt.attemptedVersion().isEmpty() ? "the reload" : "model " + attempt.attemptedVersion())
              + " was rejected at " + attempt.at() + "; still serving "
              + (attempt.servingVersion().isEmpty() ? "no model" : attempt.servingVersion()) + ": "
              + attempt.error(), attempt));
      case NOT_APPLICABLE -> responses.onError(failedPrecondition(
          attempt.attemptedVersion().isEmpty() ? "NO_PRODUCTION_MODEL" : "PRODUCTION_VERSION_MISMATCH",
          attempt.error(), attempt));
    }
  }

  @Override
  public void getModelStatus(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> responses) {
    GetModelStatusResponse status;
    try {
      status = status();
    } catch (RuntimeException e) {
      log.error("cannot report the model status", e);
      responses.onError(internal("cannot report the model status: " + ModelReloader.describe(e)));
      return;
    }
    responses.onNext(status);
    responses.onCompleted();
  }

  private GetModelStatusResponse status() {
    GetModelStatusResponse.Builder status = GetModelStatusResponse.newBuilder()
        .setServingVersion(models.current().map(ServingModel::version).orElse(""))
        .setRegistry(reloader.registryName());
    try {
      reloader.registry().production().ifPresent(status::setProductionVersion);
    } catch (IOException | RuntimeException e) {
      status.setLastReloadError("cannot read the production pointer: "
          + reloader.redact(ModelReloader.describe(e)));
    }
    reloader.lastAttempt().ifPresent(attempt -> {
      status.setLastReloadOutcome(switch (attempt.outcome()) {
        case SWAPPED -> ReloadOutcome.RELOAD_OUTCOME_SWAPPED;
        case UNCHANGED -> ReloadOutcome.RELOAD_OUTCOME_UNCHANGED;
        case REJECTED, NOT_APPLICABLE -> ReloadOutcome.RELOAD_OUTCOME_REJECTED;
      });
      status.setLastReloadTime(Timestamp.newBuilder()
          .setSeconds(attempt.at().getEpochSecond()).setNanos(attempt.at().getNano()));
      status.setLastReloadVersion(attempt.attemptedVersion());
      if (!attempt.error().isEmpty()) {
        status.setLastReloadError(attempt.error());
      }
    });
    return status.build();
  }

  private static io.grpc.StatusRuntimeException unavailable(String message) {
    return Statuses.toException(Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage(message).build());
  }

  private static io.grpc.StatusRuntimeException internal(String message) {
    return Statuses.toException(Status.newBuilder().setCode(Code.INTERNAL_VALUE).setMessage(message).build());
  }

  private static io.grpc.StatusRuntimeException failedPrecondition(String reason, String message,
      ModelReloader.Attempt attempt) {
    return Statuses.toException(Status.newBuilder()
        .setCode(Code.FAILED_PRECONDITION_VALUE)
        .setMessage(message)
        .addDetails(Any.pack(ErrorInfo.newBuilder()
            .setReason(reason)
            .setDomain(Statuses.DOMAIN)
            .putMetadata("serving_version", attempt.servingVersion())
            .putMetadata("attempted_version", attempt.attemptedVersion())
            .build()))
        .build());
  }
}
