package io.churnwire.server;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model currently being served. Swapping it is atomic: a call that has taken the model keeps
 * it to the end, so every answer names the version that produced it.
 */
public final class ModelHolder {
  private final AtomicReference<ServingModel> current = new AtomicReference<>();

  /** The model to score with, or empty while none is loaded yet. */
  public Optional<ServingModel> current() {
    return Optional.ofNullable(current.get());
  }

  /** Makes {@code model} the one that new calls use; returns the previous one, if any. */
  public Optional<ServingModel> swap(ServingModel model) {
    return Optional.ofNullable(current.getAndSet(model));
  }
}
