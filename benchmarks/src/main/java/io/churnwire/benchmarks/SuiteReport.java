package io.churnwire.benchmarks;

import io.churnwire.benchmarks.SuiteFigures.Measurement;
import io.churnwire.benchmarks.SuiteFigures.Ratio;
import io.churnwire.benchmarks.SuiteFigures.Skipped;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns one suite run's {@link SuiteFigures} into what the project keeps of it: {@value #TABLE} (the
 * figures, the ratios against their targets, the machine) and two PNG charts drawn with XChart, the
 * library the trainer's reports use: {@value #THROUGHPUT} (a panel per part, the measured side
 * beside its baseline) and {@value #LATENCY} (p50, p90 and p99 where the load generator reports them).
 *
 * <p>{@code java -cp benchmarks.jar io.churnwire.benchmarks.SuiteReport FIGURES.json OUTPUT_DIR}
 */
public final class SuiteReport {
  public static final String TABLE = "results.md";
  public static final String THROUGHPUT = "throughput.png";
  public static final String LATENCY = "latency.png";
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 650;
  private static final int PANEL_WIDTH = 520;
  private static final int PANEL_HEIGHT = 380;
  private static final int TITLE_HEIGHT = 44;
  private static final int COLUMNS = 3;
  private static final Color MEASURED = new Color(0x1f, 0x77, 0xb4);

  private SuiteReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SuiteReport FIGURES.json OUTPUT_DIR");
      System.exit(2);
    }
    try {
      write(SuiteFigures.read(Path.of(args[0])), Path.of(args[1]));
    } catch (IOException e) {
      System.err.println("suite report: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Writes the table and whichever charts the figures have data for into {@code dir}. */
  public static void write(SuiteFigures figures, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(TABLE), table(figures), StandardCharsets.UTF_8);
    if (!figures.measurements().isEmpty()) {
      save(throughputChart(figures), dir.resolve(THROUGHPUT));
    }
    if (figures.measurements().stream().anyMatch(Measurement::hasLatency)) {
      save(latencyChart(figures), dir.resolve(LATENCY));
    }
  }

  /** The markdown table of one run: figures, ratios, skipped parts, notes and the machine. */
  public static String table(SuiteFigures f) {
    StringBuilder md = new StringBuilder(4096);
    md.append("## Benchmark suite, ").append(f.mode()).append(" run, ").append(f.date()).append("\n\n");
    SuiteFigures.Machine m = f.machine();
    md.append(String.format(Locale.ROOT, "Machine: %d cores (%s), %.0f GiB RAM, %s, %s.%n%n",
        m.cores(), m.cpu(), m.ramGib(), m.jdk(), m.os()));
    md.append("| part | interface | subject | throughput | p50 ms | p90 ms | p99 ms | rounds |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---|\n");
    for (Measurement x : f.measurements()) {
      md.append("| ").append(x.part()).append(" | ").append(x.iface()).append(" | ").append(x.subject())
          .append(" | ").append(number(x.throughput())).append(' ').append(x.unit())
          .append(" | ").append(millis(x.p50Ms())).append(" | ").append(millis(x.p90Ms()))
          .append(" | ").append(millis(x.p99Ms())).append(" | ")
          .append(x.rounds().stream().map(SuiteReport::number).collect(Collectors.joining(" ")))
          .append(" |\n");
    }
    if (!f.ratios().isEmpty()) {
      md.append("\n| side by side | ratio | target | met |\n|---|---:|---:|---|\n");
      for (Ratio r : f.ratios()) {
        md.append("| ").append(r.name()).append(" | ").append(percent(r.value())).append(" | ")
            .append(r.target() == null ? "" : "≥ " + percent(r.target())).append(" | ")
            .append(r.target() == null ? "" : r.met() ? "yes" : "no").append(" |\n");
      }
    }
    if (!f.skipped().isEmpty()) {
      md.append("\nNot measured in this run:\n\n");
      for (Skipped s : f.skipped()) {
        md.append("- ").append(s.part()).append(": ").append(s.reason()).append('\n');
      }
    }
    if (!f.notes().isEmpty()) {
      md.append('\n');
      for (String note : f.notes()) {
        md.append("- ").append(note).append('\n');
      }
    }
    if (!f.measurements().isEmpty()) {
      md.append("\n![throughput per interface](").append(THROUGHPUT).append(")\n");
    }
    if (f.measurements().stream().anyMatch(Measurement::hasLatency)) {
      md.append("![latency percentiles per interface](").append(LATENCY).append(")\n");
    }
    return md.toString();
  }

  /**
   * One panel per part, each with its own linear axis (the parts' rates span from thousands of
   * REST requests to millions of in-process rows per second): the measured side first, then its
   * baseline, the side-by-side ratio in the panel's title.
   */
  static BufferedImage throughputChart(SuiteFigures f) {
    Map<String, List<Measurement>> byPart = new LinkedHashMap<>();
    for (Measurement x : f.measurements()) {
      byPart.computeIfAbsent(x.part(), part -> new ArrayList<>()).add(x);
    }
    List<BufferedImage> panels = new ArrayList<>();
    for (List<Measurement> part : byPart.values()) {
      panels.add(BitmapEncoder.getBufferedImage(panel(part, f.ratios())));
    }
    int columns = Math.min(COLUMNS, panels.size());
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, TITLE_HEIGHT + rows * PANEL_HEIGHT,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      g.drawString("Throughput per interface, " + f.mode() + " run " + f.date(), 12, 28);
      for (int i = 0; i < panels.size(); i++) {
        g.drawImage(panels.get(i), (i % columns) * PANEL_WIDTH, TITLE_HEIGHT + (i / columns) * PANEL_HEIGHT, null);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static CategoryChart panel(List<Measurement> part, List<Ratio> ratios) {
    List<String> interfaces = part.stream().map(Measurement::iface).distinct().toList();
    boolean oneInterface = interfaces.size() == 1;
    String title = oneInterface ? interfaces.getFirst()
        : part.getFirst().part() + " (" + String.join(", ", part.stream().map(Measurement::subject).distinct().toList()) + ")";
    for (Ratio r : ratios) {
      if (oneInterface && r.name().startsWith(title + ",")) {
        title += ": " + percent(r.value());
      }
    }
    CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
        .yAxisTitle(part.getFirst().unit()).build();
    style(chart);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(oneInterface ? 0 : 15);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisDecimalPattern("#,###");
    chart.getStyler().setDecimalPattern("#,###");
    chart.getStyler().setSeriesColors(new Color[] {MEASURED});
    List<Measurement> measuredFirst = new ArrayList<>(part);
    measuredFirst.sort((a, b) -> Boolean.compare(a.baseline(), b.baseline()));
    List<String> labels = measuredFirst.stream()
        .map(x -> oneInterface ? x.subject() : x.iface().replace("in process, ", ""))
        .toList();
    List<Double> values = measuredFirst.stream().map(Measurement::throughput).toList();
    chart.addSeries(part.getFirst().unit(), labels, values);
    return chart;
  }

  /** p50, p90 and p99 side by side for every measurement whose load generator reports them. */
  static CategoryChart latencyChart(SuiteFigures f) {
    List<Measurement> timed = f.measurements().stream().filter(Measurement::hasLatency).toList();
    List<String> labels = timed.stream().map(Measurement::label).toList();
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Latency percentiles per interface, " + f.mode() + " run " + f.date())
        .yAxisTitle("milliseconds").build();
    style(chart);
    chart.getStyler().setYAxisDecimalPattern("0.0");
    chart.getStyler().setDecimalPattern("0.0");
    chart.getStyler().setSeriesColors(new Color[] {
        new Color(0x9e, 0xca, 0xe1), new Color(0x42, 0x92, 0xc6), new Color(0x08, 0x45, 0x94)});
    chart.addSeries("p50", labels, timed.stream().map(Measurement::p50Ms).toList());
    chart.addSeries("p90", labels, timed.stream().map(Measurement::p90Ms).toList());
    chart.addSeries("p99", labels, timed.stream().map(Measurement::p99Ms).toList());
    return chart;
  }

  private static List<Double> values(List<String> categories, Map<String, Double> byCategory) {
    List<Double> values = new ArrayList<>(categories.size());
    for (String category : categories) {
      values.add(byCategory.get(category));
    }
    return values;
  }

  private static void style(CategoryChart chart) {
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFontColor(Color.BLACK);
  }

  private static void save(CategoryChart chart, Path file) throws IOException {
    save(BitmapEncoder.getBufferedImage(chart), file);
  }

  private static void save(BufferedImage image, Path file) throws IOException {
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer for " + file);
    }
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%,.2f", value);
  }

  private static String millis(Double value) {
    return value == null ? "" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
