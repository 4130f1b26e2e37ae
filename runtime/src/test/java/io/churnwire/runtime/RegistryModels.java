package io.churnwire.runtime;

import io.churnwire.model.v1.Aggregation;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small valid models registered in a registry, for tests about the registry rather than scoring. */
final class RegistryModels {
  /** A check every model passes, for tests about pointer moves rather than the deploy check. */
  static final ModelRegistry.PromotionCheck ANY = (model, dir) -> List.of();

  private RegistryModels() {}

  /** A boosted ensemble seeded by {@code seed}, with its metadata; distinct seeds give distinct versions. */
  static ChurnModel model(long seed) throws InvalidModelException {
    CompiledModel compiled = CompiledModel.of(
        RandomModels.ensemble(seed, Aggregation.AGGREGATION_BOOSTED_LOG_ODDS, 3, 4, true));
    EvaluationMetrics metrics = new EvaluationMetrics(0.9, 0.8, 0.85, 0.7, 0.8, 0.75, 8, 2, 8, 2, 20, "test");
    ModelMetadata metadata = new ModelMetadata(ModelVersion.of(compiled.toByteArray()), "test",
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seed), "0".repeat(64), "test", 100,
        compiled.schema(), metrics, compiled.decisionThreshold(), Map.of());
    return new ChurnModel(compiled, metadata);
  }

  /** Registers models seeded 1 to {@code count} in {@code registry}; their versions, in seed order. */
  static List<String> register(ModelRegistry registry, int count) throws IOException {
    String[] versions = new String[count];
    for (int i = 0; i < count; i++) {
      versions[i] = registry.register(model(i + 1), null).version();
    }
    return List.of(versions);
  }
}
