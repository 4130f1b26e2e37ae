package io.churnwire.server;

import io.churnwire.v1.RiskBand;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attributes of a scored customer ({@code method}, {@code model_version}, {@code risk_band}),
 * built once per model version for every method and band, so counting a prediction allocates
 * nothing. A version's table is made when its first answer is counted; versions are few (one per
 * model served since start).
 */
final class PredictionLabels {
  static final AttributeKey<String> MODEL_VERSION = AttributeKey.stringKey("model_version");
  static final AttributeKey<String> RISK_BAND = AttributeKey.stringKey("risk_band");

  private static final RiskBand[] BANDS = {
      RiskBand.RISK_BAND_UNSPECIFIED, RiskBand.RISK_BAND_LOW, RiskBand.RISK_BAND_MEDIUM, RiskBand.RISK_BAND_HIGH};

  private final Map<String, Attributes[]> byVersion = new ConcurrentHashMap<>();

  /** The attributes of a prediction of {@code band} by model {@code version} answered on {@code method}. */
  Attributes of(ScoringMethod method, String version, RiskBand band) {
    Attributes[] table = byVersion.get(version);
    if (table == null) {
      table = byVersion.computeIfAbsent(version, PredictionLabels::table);
    }
    int index = band.ordinal() < BANDS.length && BANDS[band.ordinal()] == band ? band.ordinal() : 0;
    return table[method.ordinal() * BANDS.length + index];
  }

  /** {@code low}, {@code medium} or {@code high}: the API's band name in lower case without its prefix. */
  static String bandName(RiskBand band) {
    return band.name().substring("RISK_BAND_".length()).toLowerCase(Locale.ROOT);
  }

  private static Attributes[] table(String version) {
    ScoringMethod[] methods = ScoringMethod.values();
    Attributes[] table = new Attributes[methods.length * BANDS.length];
    for (ScoringMethod method : methods) {
      for (int b = 0; b < BANDS.length; b++) {
        table[method.ordinal() * BANDS.length + b] = method.attributes().toBuilder()
            .put(MODEL_VERSION, version)
            .put(RISK_BAND, bandName(BANDS[b]))
            .build();
      }
    }
    return table;
  }
}
