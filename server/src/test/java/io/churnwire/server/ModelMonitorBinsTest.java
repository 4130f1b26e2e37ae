package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnwire.history.FeatureCounts;
import io.churnwire.monitoring.BinnedCounts;
import io.churnwire.runtime.FeatureReference;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the store's counts become the bins drift is measured and reported on. */
class ModelMonitorBinsTest {
  private static final FeatureSpec CONTRACT = FeatureSchema.telco().find("contract").orElseThrow();
  private static final FeatureSpec TENURE = FeatureSchema.telco().find("tenure_in_months").orElseThrow();

  @Test
  void numericLabels_areHalfOpenIntervalsWithCompactEdges() {
    double[] edges = {3, 12.5, 72};

    assertEquals(List.of("(-inf, 3]", "(3, 12.5]", "(12.5, 72]", "(72, +inf)"),
        List.of(DriftBinLabels.numeric(edges, 0), DriftBinLabels.numeric(edges, 1), DriftBinLabels.numeric(edges, 2),
            DriftBinLabels.numeric(edges, 3)));
    assertEquals("0.0001", DriftBinLabels.edge(1e-4));
    assertEquals("1000000", DriftBinLabels.edge(1e6));
    assertEquals("-2", DriftBinLabels.edge(-2.0));
  }

  @Test
  void categoricalCounts_followTheModelsLevelOrder_andUnknownNamesAreUnseen() {
    FeatureReference reference = new FeatureReference(new double[0], new double[] {0.5, 0.3, 0.2}, 100);
    FeatureCounts stored = new FeatureCounts(new long[0], Map.of("CONTRACT_TWO_YEAR", 4L, "CONTRACT_MONTH_TO_MONTH", 7L,
        "CONTRACT_UNSPECIFIED", 1L, "CONTRACT_FIVE_YEAR", 2L), 0);

    BinnedCounts counts = ModelMonitor.binned(CONTRACT, reference, stored);
    ModelMonitor.FeatureBins bins = ModelMonitor.bins(CONTRACT, reference, counts);

    assertEquals(new BinnedCounts(new long[] {7, 0, 4}, 3), counts);
    assertEquals(List.of("CONTRACT_MONTH_TO_MONTH", "CONTRACT_ONE_YEAR", "CONTRACT_TWO_YEAR", "unseen"), bins.labels());
    assertArrayEquals(new long[] {7, 0, 4, 3}, bins.servedCounts());
    assertArrayEquals(new double[] {0.5, 0.3, 0.2, 0}, bins.referenceShares(), 1e-12);
  }

  @Test
  void numericCounts_areTheStoresPerBin_andReferenceSharesAreNormalised() {
    FeatureReference reference = new FeatureReference(new double[] {3, 12}, new double[] {0.2, 0.2, 0.6000001}, 10);
    FeatureCounts stored = new FeatureCounts(new long[] {1, 2, 3}, Map.of(), 5);

    BinnedCounts counts = ModelMonitor.binned(TENURE, reference, stored);
    ModelMonitor.FeatureBins bins = ModelMonitor.bins(TENURE, reference, counts);

    assertEquals(new BinnedCounts(new long[] {1, 2, 3}, 0), counts, "values missing from a prediction are not observations");
    assertEquals(List.of("(-inf, 3]", "(3, 12]", "(12, +inf)", "unseen"), bins.labels());
    assertEquals(1.0, bins.referenceShares()[0] + bins.referenceShares()[1] + bins.referenceShares()[2], 1e-15);
  }

  @Test
  void aFeatureTheStoreDidNotCount_hasNoObservations() {
    FeatureReference reference = new FeatureReference(new double[] {3}, new double[] {0.5, 0.5}, 10);

    assertEquals(new BinnedCounts(new long[2], 0), ModelMonitor.binned(TENURE, reference, null));
  }
}
