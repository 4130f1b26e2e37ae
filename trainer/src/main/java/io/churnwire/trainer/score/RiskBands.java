package io.churnwire.trainer.score;

import io.churnwire.v1.RiskBand;
import java.util.Locale;

/** The risk band as a result file writes it: {@code low}, {@code medium}, {@code high}. */
final class RiskBands {
  private static final String PREFIX = "RISK_BAND_";

  private RiskBands() {}

  static String name(RiskBand band) {
    return band.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
  }
}
