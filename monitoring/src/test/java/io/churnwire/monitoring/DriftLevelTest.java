package io.churnwire.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DriftLevelTest {

  @Test
  void defaults_noneBelowTenthModerateUpToQuarterDriftedAbove() {
    DriftOptions options = DriftOptions.DEFAULTS;

    assertEquals(DriftLevel.NONE, DriftLevel.of(0, options));
    assertEquals(DriftLevel.NONE, DriftLevel.of(Math.nextDown(0.1), options));
    assertEquals(DriftLevel.MODERATE, DriftLevel.of(0.1, options));
    assertEquals(DriftLevel.MODERATE, DriftLevel.of(0.25, options));
    assertEquals(DriftLevel.DRIFTED, DriftLevel.of(Math.nextUp(0.25), options));
  }

  @Test
  void driftedThreshold_isConfigurable() {
    assertEquals(DriftLevel.DRIFTED, DriftLevel.of(0.21, DriftOptions.DEFAULTS.withDriftedPsi(0.2)));
    assertEquals(DriftLevel.MODERATE, DriftLevel.of(0.4, DriftOptions.DEFAULTS.withDriftedPsi(0.5)));
    assertEquals(DriftLevel.DRIFTED, DriftLevel.of(0.06, DriftOptions.DEFAULTS.withDriftedPsi(0.05)));
  }

  @Test
  void notANumber_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> DriftLevel.of(Double.NaN, DriftOptions.DEFAULTS));
  }

  @Test
  void options_badValues_areRejectedNamingThem() {
    var e = assertThrows(IllegalArgumentException.class, () -> new DriftOptions(0.3, 0.2, 0.5));
    var share = assertThrows(IllegalArgumentException.class, () -> new DriftOptions(0.1, 0.25, 0));

    assertTrue(e.getMessage().contains("driftedPsi"), e.getMessage());
    assertTrue(share.getMessage().contains("driftedFeatureShare"), share.getMessage());
  }
}
