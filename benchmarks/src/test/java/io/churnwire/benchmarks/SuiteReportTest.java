package io.churnwire.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.benchmarks.SuiteFigures.Machine;
import io.churnwire.benchmarks.SuiteFigures.Measurement;
import io.churnwire.benchmarks.SuiteFigures.Ratio;
import io.churnwire.benchmarks.SuiteFigures.Skipped;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteReportTest {
  private static final Machine MACHINE = new Machine(2, "AMD EPYC 7B13", 23, "OpenJDK 25.0.1", "Linux 6.1");

  private static SuiteFigures figures() {
    return new SuiteFigures("2026-12-02 00:30 UTC", "quick", MACHINE, List.of(
        new Measurement("jmh", "in-process scoring", "compiled gbt", false, 2_500_000, "rows/s",
            null, null, null, List.of()),
        new Measurement("grpc", "gRPC Predict", "server", false, 7_400, "calls/s", 5.1, 8.2, 12.9,
            List.of(7_300.0, 7_500.0)),
        new Measurement("grpc", "gRPC Predict", "no-op", true, 7_800, "calls/s", 4.8, 7.7, 11.0,
            List.of(7_700.0, 7_900.0)),
        new Measurement("rest", "REST Predict via Envoy", "server", false, 3_100, "requests/s", 14.0, 20.5, 31.0,
            List.of(3_100.0))),
        List.of(new Ratio("gRPC Predict, server / no-op", 7_400.0 / 7_800, 0.95),
            new Ratio("REST Predict via Envoy, server / no-op", 0.97, 0.95)),
        List.of(new Skipped("bulk", "scripts/bench-score.sh is not there")),
        List.of("ghz: 50 concurrent calls"));
  }

  @Test
  void tableCarriesEveryFigureRatioVerdictSkippedPartAndTheMachine() {
    String table = SuiteReport.table(figures());

    assertTrue(table.contains("| grpc | gRPC Predict | server | 7,400 calls/s | 5.10 | 8.20 | 12.90 | 7,300 7,500 |"),
        table);
    assertTrue(table.contains("| jmh | in-process scoring | compiled gbt | 2,500,000 rows/s |  |  |  |  |"), table);
    assertTrue(table.contains("| gRPC Predict, server / no-op | 94.9 % | ≥ 95.0 % | no |"), table);
    assertTrue(table.contains("| REST Predict via Envoy, server / no-op | 97.0 % | ≥ 95.0 % | yes |"), table);
    assertTrue(table.contains("- bulk: scripts/bench-score.sh is not there"), table);
    assertTrue(table.contains("Machine: 2 cores (AMD EPYC 7B13), 23 GiB RAM, OpenJDK 25.0.1, Linux 6.1."), table);
  }

  @Test
  void writesTheTableAndTwoDecodablePngCharts(@TempDir Path dir) throws IOException {
    SuiteReport.write(figures(), dir);

    assertEquals(SuiteReport.table(figures()), Files.readString(dir.resolve(SuiteReport.TABLE)));
    for (String chart : List.of(SuiteReport.THROUGHPUT, SuiteReport.LATENCY)) {
      byte[] bytes = Files.readAllBytes(dir.resolve(chart));
      assertEquals((byte) 0x89, bytes[0], chart);
      assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), chart);
      BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
      assertNotNull(image, chart);
      assertTrue(image.getWidth() >= 800 && image.getHeight() >= 400, chart);
      assertTrue(distinctColours(image) > 5, chart + " looks blank");
    }
  }

  @Test
  void figuresWithoutLatencyGiveNoLatencyChart(@TempDir Path dir) throws IOException {
    SuiteFigures jmhOnly = new SuiteFigures("d", "quick", MACHINE, List.of(figures().measurements().getFirst()),
        List.of(), List.of(), List.of());

    SuiteReport.write(jmhOnly, dir);

    assertTrue(Files.exists(dir.resolve(SuiteReport.THROUGHPUT)));
    assertFalse(Files.exists(dir.resolve(SuiteReport.LATENCY)));
    assertFalse(Files.readString(dir.resolve(SuiteReport.TABLE)).contains(SuiteReport.LATENCY));
  }

  @Test
  void readsTheSnakeCaseFiguresTheScriptWrites(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("figures.json");
    Files.writeString(file, """
        {"date": "d", "mode": "full",
         "machine": {"cores": 2, "cpu": "c", "ram_gib": 23.4, "jdk": "j", "os": "o"},
         "measurements": [{"part": "grpc", "iface": "gRPC Predict", "subject": "no-op", "baseline": true,
           "throughput": 10.5, "unit": "calls/s", "p50_ms": 1.5, "p90_ms": 2, "p99_ms": 3, "rounds": [10, 11]}],
         "ratios": [{"name": "r", "value": 0.9, "target": null}]}
        """);

    SuiteFigures read = SuiteFigures.read(file);

    assertEquals(23.4, read.machine().ramGib());
    Measurement m = read.measurements().getFirst();
    assertTrue(m.baseline());
    assertEquals(1.5, m.p50Ms());
    assertEquals(List.of(10.0, 11.0), m.rounds());
    assertTrue(read.ratios().getFirst().met());
    assertTrue(read.skipped().isEmpty());
  }

  @Test
  void unreadableFiguresAreNamedInOneLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("figures.json");
    Files.writeString(file, "{\"measurements\": 3");

    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SuiteFigures.read(file));

    assertTrue(e.getMessage().startsWith("cannot read the figures in " + file), e.getMessage());
  }

  private static int distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 7) {
      for (int y = 0; y < image.getHeight(); y += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
