package io.churnwire.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one run of the benchmark suite measured, as {@code scripts/bench.sh} collects it into
 * {@code figures.json} (snake_case keys): the machine, every measurement, the side-by-side ratios
 * and the parts that were skipped with their reason. Kept as data so that the table and the charts
 * are drawn from one file and can be redrawn from it.
 */
public record SuiteFigures(String date, String mode, Machine machine, List<Measurement> measurements,
    List<Ratio> ratios, List<Skipped> skipped, List<String> notes) {

  public SuiteFigures {
    measurements = List.copyOf(measurements == null ? List.of() : measurements);
    ratios = List.copyOf(ratios == null ? List.of() : ratios);
    skipped = List.copyOf(skipped == null ? List.of() : skipped);
    notes = List.copyOf(notes == null ? List.of() : notes);
  }

  /** Where the figures came from; benchmark figures mean little without it. */
  public record Machine(int cores, String cpu, double ramGib, String jdk, String os) {}

  /**
   * One interface under one subject (the server, or the baseline it is compared with): its
   * throughput in {@code unit} (always per second), and latency percentiles in milliseconds when
   * the load generator reports them (null otherwise). {@code baseline} marks the reference side.
   */
  public record Measurement(String part, String iface, String subject, boolean baseline, double throughput,
      String unit, Double p50Ms, Double p90Ms, Double p99Ms, List<Double> rounds) {
    public Measurement {
      rounds = List.copyOf(rounds == null ? List.of() : rounds);
    }

    boolean hasLatency() {
      return p50Ms != null && p90Ms != null && p99Ms != null;
    }

    String label() {
      return iface + ", " + subject;
    }
  }

  /** A side-by-side ratio (measured / baseline) and its target share, null when there is none. */
  public record Ratio(String name, double value, Double target) {
    boolean met() {
      return target == null || value >= target;
    }
  }

  /** A part the run did not measure, and why. */
  public record Skipped(String part, String reason) {}

  static JsonMapper mapper() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  public static SuiteFigures read(Path file) throws IOException {
    try {
      return mapper().readValue(file.toFile(), SuiteFigures.class);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException("cannot read the figures in " + file + ": " + e.getOriginalMessage(), e);
    }
  }
}
