package io.churnwire.server;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.churnwire.runtime.ChurnModel;
import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.runtime.ModelMetadata;
import io.churnwire.runtime.ModelRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model versions monitoring can measure: the one being served, and every version the
 * registry in {@code --model-dir} still holds. Performance needs a version's decision threshold
 * and promoted metrics, which the registry lists; drift needs its training reference, inside the
 * model itself, so a version other than the served one is loaded from the registry once and kept
 * (the last {@value #LOADED_KEPT}).
 */
final class MonitoredModels {
  private static final int LOADED_KEPT = 4;

  private final ModelHolder served;
  private final ModelRegistry registry;
  private final Map<String, ChurnModel> loaded = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ChurnModel> eldest) {
      return size() > LOADED_KEPT;
    }
  };

  MonitoredModels(ModelHolder served, ModelRegistry registry) {
    this.served = served;
    this.registry = registry;
  }

  /**
   * What a version's realised performance is read against.
   *
   * @param version the model version
   * @param decisionThreshold the threshold it predicts churn at
   * @param promoted the held-out evaluation it was promoted with; empty when no longer known
   */
  record Evaluated(String version, double decisionThreshold, Optional<EvaluationMetrics> promoted) {}

  /** The version being served, or {@code UNAVAILABLE} while no model is loaded. */
  String servedVersion() throws CallRefusedException {
    return served.current().map(ServingModel::version).orElseThrow(() -> new CallRefusedException(Statuses.noModel()));
  }

  /** {@code version}, or the served one when empty. */
  String versionOrServed(Optional<String> version) throws CallRefusedException {
    return version.isPresent() ? version.get() : servedVersion();
  }

  /**
   * The threshold and promoted metrics of {@code version}: the served model's own, or those the
   * registry lists.
   *
   * @throws CallRefusedException {@code NOT_FOUND} for a version neither serves nor holds
   */
  Evaluated evaluated(String version) throws CallRefusedException {
    Optional<ChurnModel> current = servedModel(version);
    if (current.isPresent()) {
      ModelMetadata metadata = current.get().metadata();
      return new Evaluated(version, metadata.decisionThreshold(), Optional.of(metadata.metrics()));
    }
    ModelMetadata metadata = registered(version);
    return new Evaluated(version, metadata.decisionThreshold(), Optional.of(metadata.metrics()));
  }

  /**
   * The model of {@code version}, with its schema and training reference: the served one, or the
   * registry's copy, loaded on first use.
   *
   * @throws CallRefusedException {@code NOT_FOUND} for a version neither serves nor holds,
   *     {@code FAILED_PRECONDITION} when the registry's copy does not load
   */
  ChurnModel model(String version) throws CallRefusedException {
    Optional<ChurnModel> current = servedModel(version);
    if (current.isPresent()) {
      return current.get();
    }
    synchronized (loaded) {
      ChurnModel model = loaded.get(version);
      if (model != null) {
        return model;
      }
    }
    registered(version);
    ChurnModel model;
    try {
      model = registry.load(version);
    } catch (IOException | RuntimeException e) {
      throw new CallRefusedException(Status.newBuilder()
          .setCode(Code.FAILED_PRECONDITION_VALUE)
          .setMessage("model version " + version + " is in the registry but does not load: "
              + SafeLog.value(String.valueOf(e.getMessage()), SafeLog.MAX_MESSAGE_CHARS))
          .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("MODEL_VERSION_UNLOADABLE")
              .setDomain(Statuses.DOMAIN).putMetadata("model_version", version).build()))
          .build());
    }
    synchronized (loaded) {
      loaded.put(version, model);
    }
    return model;
  }

  private Optional<ChurnModel> servedModel(String version) {
    return served.current().map(ServingModel::model).filter(model -> model.version().equals(version));
  }

  private ModelMetadata registered(String version) throws CallRefusedException {
    try {
      for (ModelRegistry.Entry entry : registry.list()) {
        if (entry.version().equals(version) && entry.metadata().isPresent()) {
          return entry.metadata().get();
        }
      }
    } catch (IOException e) {
      throw new CallRefusedException(Status.newBuilder()
          .setCode(Code.UNAVAILABLE_VALUE)
          .setMessage("the model registry cannot be read; retry later")
          .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("MODEL_REGISTRY_UNAVAILABLE")
              .setDomain(Statuses.DOMAIN).build()))
          .build());
    }
    throw new CallRefusedException(notFound(version));
  }

  /** {@code NOT_FOUND} naming the version and the field it was asked in. */
  static Status notFound(String version) {
    return Status.newBuilder()
        .setCode(Code.NOT_FOUND_VALUE)
        .setMessage("model_version " + version + " is neither served nor held by the model registry")
        .addDetails(Any.pack(ResourceInfo.newBuilder()
            .setResourceType("churnwire.v1.ModelVersion")
            .setResourceName(version)
            .setDescription("model_version: not served and not in the model registry")
            .build()))
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("MODEL_VERSION_NOT_FOUND")
            .setDomain(Statuses.DOMAIN).putMetadata("model_version", version).build()))
        .build();
  }
}
