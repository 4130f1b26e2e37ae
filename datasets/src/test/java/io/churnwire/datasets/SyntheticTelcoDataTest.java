package io.churnwire.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.runtime.FeatureSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticTelcoDataTest {

  private static final TrainingData DEFAULT = SyntheticTelcoData.generate();

  /** Churn rate among rows whose feature {@code name} equals {@code value}. */
  private static double churnRateWhere(TrainingData data, String name, double min, double max) {
    int column = data.schema().indexOf(name);
    int rows = 0;
    int churned = 0;
    for (int i = 0; i < data.size(); i++) {
      double v = data.value(i, column);
      if (v >= min && v <= max) {
        rows++;
        churned += data.label(i);
      }
    }
    return churned / (double) rows;
  }

  @Test
  void sameRowsAndSeed_giveIdenticalDataAndHash() {
    TrainingData first = SyntheticTelcoData.generate(500, 7);
    TrainingData second = SyntheticTelcoData.generate(500, 7);

    assertEquals(first, second);
    assertEquals(first.sha256(), second.sha256());
    assertEquals("synthetic(rows=500,seed=7)", first.source());
  }

  @Test
  void otherSeed_givesOtherDataAndHash() {
    TrainingData first = SyntheticTelcoData.generate(500, 7);
    TrainingData other = SyntheticTelcoData.generate(500, 8);

    assertNotEquals(first.sha256(), other.sha256());
  }

  @Test
  void rows_sameSeed_startWithTheRowsOfGenerateInOrder() {
    double[][] generated = SyntheticTelcoData.generate(400, 7).rows();

    Iterator<double[]> rows = SyntheticTelcoData.rows(7);

    for (int i = 0; i < generated.length; i++) {
      assertArrayEquals(generated[i], rows.next(), "row " + i);
    }
    assertTrue(rows.hasNext());
  }

  @Test
  void defaultData_hasPinnedHash() {
    // Changing the generator changes every demo model's version; do it deliberately.
    assertEquals("577a43f8a0c7a000f0e72d359104d9c61114f640af7afe0a4995c6636d03e133", DEFAULT.sha256());
  }

  @Test
  void defaultData_hasTelcoSchemaAndRealisticChurnRate() {
    assertEquals(FeatureSchema.telco(), DEFAULT.schema());
    assertEquals(SyntheticTelcoData.DEFAULT_ROWS, DEFAULT.size());
    assertEquals(0.265, DEFAULT.churnRate(), 0.02);
  }

  @Test
  void defaultData_churnFollowsPlausibleDrivers() {
    TrainingData d = DEFAULT;

    assertTrue(churnRateWhere(d, "contract", 0, 0) > 3 * churnRateWhere(d, "contract", 2, 2), "contract");
    assertTrue(churnRateWhere(d, "tenure_in_months", 0, 6) > 2 * churnRateWhere(d, "tenure_in_months", 48, 72), "tenure");
    assertTrue(churnRateWhere(d, "satisfaction_score", 1, 2) > 3 * churnRateWhere(d, "satisfaction_score", 4, 5), "satisfaction");
    assertTrue(churnRateWhere(d, "payment_method", 2, 2) > churnRateWhere(d, "payment_method", 1, 1), "mailed check");
    assertTrue(churnRateWhere(d, "number_referrals", 0, 0) > churnRateWhere(d, "number_referrals", 1, 1000), "referrals");
  }

  @Test
  void writtenAsCsv_readsBackToSameRowsAndSameHash(@TempDir Path dir) throws Exception {
    TrainingData data = SyntheticTelcoData.generate(300, 11);
    Path csv = dir.resolve("synthetic.csv");

    TelcoCsv.write(data, csv);
    TrainingData read = TelcoCsv.read(csv, FeatureSchema.telco());

    assertEquals(data.sha256(), read.sha256());
    assertEquals(new TrainingData(data.schema(), data.rows(), data.labels(), "synthetic.csv", data.sha256()), read);
    assertTrue(Files.readString(csv).startsWith("Internet Service,Number of Dependents,"));
  }
}
