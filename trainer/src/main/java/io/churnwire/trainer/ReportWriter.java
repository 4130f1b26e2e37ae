package io.churnwire.trainer;

import io.churnwire.runtime.EvaluationMetrics;
import io.churnwire.training.Metrics;
import io.churnwire.training.MetricsJson;
import io.churnwire.training.ModelReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders a model's metrics.json as pictures and one HTML page, because people would rather look
 * at a ROC curve than read a table of numbers. The page refers to the PNGs by relative path, so the
 * report directory can be copied or served as it is.
 */
public final class ReportWriter {

  /** The page's file name. */
  public static final String PAGE = "index.html";
  /** ROC curve. */
  public static final String ROC = "roc_curve.png";
  /** Precision-recall curve. */
  public static final String PRECISION_RECALL = "precision_recall_curve.png";
  /** Confusion matrix at the decision threshold. */
  public static final String CONFUSION = "confusion_matrix.png";
  /** Permutation importance. */
  public static final String IMPORTANCE = "feature_importance.png";

  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;
  private static final Color MODEL = new Color(0x1f, 0x77, 0xb4);
  private static final Color ALTERNATIVE = new Color(0xff, 0x7f, 0x0e);
  private static final Color GREY = new Color(0x99, 0x99, 0x99);
  private static final Color POINT = new Color(0xd6, 0x27, 0x28);

  private ReportWriter() {}

  /**
   * Writes the four charts and {@value #PAGE} into {@code dir}, creating it.
   *
   * @param title the page heading, e.g. "Model sha256:… on telco_customer_churn.csv"
   * @return the files written, the page first
   */
  public static List<Path> write(MetricsJson.Contents contents, String title, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    ModelReport report = contents.report();
    EvaluationMetrics m = report.metrics();
    save(rocChart(report), dir.resolve(ROC));
    save(precisionRecallChart(report), dir.resolve(PRECISION_RECALL));
    save(confusionChart(m), dir.resolve(CONFUSION));
    save(importanceChart(report), dir.resolve(IMPORTANCE));
    Files.writeString(dir.resolve(PAGE), html(contents, title), StandardCharsets.UTF_8);
    return List.of(dir.resolve(PAGE), dir.resolve(ROC), dir.resolve(PRECISION_RECALL),
        dir.resolve(CONFUSION), dir.resolve(IMPORTANCE));
  }

  private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
    try (var out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static XYChart rocChart(ModelReport report) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("ROC curve (held-out rows)")
        .xAxisTitle("false-positive rate").yAxisTitle("true-positive rate (recall)").build();
    style(chart);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    line(chart, "chance", new double[] {0, 1}, new double[] {0, 1}, GREY, true);
    report.withoutFlagged().ifPresent(alt -> line(chart,
        String.format(Locale.ROOT, "without %s, AUC %.4f", String.join(", ", report.flaggedFeatures()),
            alt.metrics().rocAuc()),
        alt.roc().x(), alt.roc().y(), ALTERNATIVE, false));
    line(chart, String.format(Locale.ROOT, "model, AUC %.4f", report.metrics().rocAuc()),
        report.roc().x(), report.roc().y(), MODEL, false);
    EvaluationMetrics m = report.metrics();
    double negatives = m.falsePositives() + m.trueNegatives();
    point(chart, "decision threshold", negatives == 0 ? 0 : m.falsePositives() / negatives, m.recall());
    return chart;
  }

  private static XYChart precisionRecallChart(ModelReport report) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Precision-recall curve (held-out rows)").xAxisTitle("recall").yAxisTitle("precision").build();
    style(chart);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    EvaluationMetrics m = report.metrics();
    double churnRate = (m.truePositives() + m.falseNegatives()) / (double) m.evaluationRows();
    line(chart, String.format(Locale.ROOT, "churn rate %.3f (chance)", churnRate),
        new double[] {0, 1}, new double[] {churnRate, churnRate}, GREY, true);
    Metrics.Curve pr = report.precisionRecall();
    line(chart, String.format(Locale.ROOT, "model, PR AUC %.4f", m.prAuc()), pr.x(), pr.y(), MODEL, false);
    point(chart, "decision threshold", m.recall(), m.precision());
    return chart;
  }

  private static HeatMapChart confusionChart(EvaluationMetrics m) {
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
        .title(String.format(Locale.ROOT, "Confusion matrix at the threshold (%d held-out rows)", m.evaluationRows()))
        .xAxisTitle("predicted").yAxisTitle("actual").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setShowValue(true);
    chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    chart.getStyler().setValueFontColor(Color.BLACK);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setHeatMapValueDecimalPattern("#");
    chart.getStyler().setRangeColors(new Color[] {new Color(0xf7, 0xfb, 0xff), new Color(0x6b, 0xae, 0xd6)});
    List<Number[]> cells = new ArrayList<>();
    cells.add(new Number[] {0, 0, m.trueNegatives()});
    cells.add(new Number[] {1, 0, m.falsePositives()});
    cells.add(new Number[] {0, 1, m.falseNegatives()});
    cells.add(new Number[] {1, 1, m.truePositives()});
    chart.addSeries("counts", List.of("stays", "churns"), List.of("stayed", "churned"), cells);
    return chart;
  }

  private static CategoryChart importanceChart(ModelReport report) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Permutation importance (held-out rows)").xAxisTitle("feature")
        .yAxisTitle("drop in ROC AUC when shuffled").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(35);
    chart.getStyler().setSeriesColors(new Color[] {MODEL});
    chart.getStyler().setYAxisDecimalPattern("0.000");
    List<String> names = new ArrayList<>();
    List<Double> drops = new ArrayList<>();
    for (ModelReport.FeatureImportance f : report.importance()) {
      names.add(f.feature());
      drops.add(f.rocAucDrop());
    }
    chart.addSeries("importance", names, drops);
    return chart;
  }

  private static void style(XYChart chart) {
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(10);
    chart.getStyler().setXAxisDecimalPattern("0.0");
    chart.getStyler().setYAxisDecimalPattern("0.0");
  }

  private static void line(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    series.setLineStyle(dashed
        ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f)
        : new BasicStroke(2.5f));
  }

  private static void point(XYChart chart, String name, double x, double y) {
    XYSeries series = chart.addSeries(name, new double[] {x}, new double[] {y});
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    series.setMarker(SeriesMarkers.CIRCLE);
    series.setMarkerColor(POINT);
  }

  private static String html(MetricsJson.Contents c, String title) {
    ModelReport r = c.report();
    EvaluationMetrics m = r.metrics();
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em;max-width:1400px;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}.warn{background:#fff3cd;border:1px solid #e0b400;padding:.8em;margin:1em 0}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:1em}.charts img{border:1px solid #ddd;max-width:100%}")
        .append("code{background:#f4f4f4;padding:0 .2em}\n</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<table>\n");
    row(h, "version", "<code>" + esc(c.version()) + "</code>");
    row(h, "algorithm", esc(c.algorithm()));
    row(h, "data", esc(c.dataSource()) + " (SHA-256 <code>" + esc(c.dataSha256()) + "</code>)");
    row(h, "decision threshold", fmt(c.decisionThreshold()) + (Double.isFinite(r.targetRecall())
        ? " (chosen for recall &ge; " + fmt(r.targetRecall()) + " on validation data)" : ""));
    row(h, "evaluated on", esc(m.method()));
    h.append("</table>\n");

    List<String> flagged = r.flaggedFeatures();
    if (!flagged.isEmpty()) {
      h.append("<div class=\"warn\"><strong>Possible label leakage:</strong> ");
      for (ModelReport.FeatureSignal s : r.leakage()) {
        if (s.flagged()) {
          h.append("<code>").append(esc(s.feature())).append("</code> alone reaches ROC AUC ")
              .append(fmt(s.rocAuc())).append(". ");
        }
      }
      h.append("A feature that separates the label this well is often recorded after the outcome. ")
          .append("Compare the two models below before relying on the figures.</div>\n");
    }

    h.append("<h2>Held-out quality</h2>\n<table>\n<tr><th>metric</th><th>model</th>");
    r.withoutFlagged().ifPresent(a -> h.append("<th>without ").append(esc(String.join(", ", flagged))).append("</th>"));
    h.append("</tr>\n");
    EvaluationMetrics alt = r.withoutFlagged().map(ModelReport.Alternative::metrics).orElse(null);
    metricRow(h, "ROC AUC", m.rocAuc(), alt == null ? null : alt.rocAuc());
    metricRow(h, "PR AUC (average precision)", m.prAuc(), alt == null ? null : alt.prAuc());
    metricRow(h, "accuracy at threshold", m.accuracy(), alt == null ? null : alt.accuracy());
    metricRow(h, "precision at threshold", m.precision(), alt == null ? null : alt.precision());
    metricRow(h, "recall at threshold", m.recall(), alt == null ? null : alt.recall());
    metricRow(h, "F1 at threshold", m.f1(), alt == null ? null : alt.f1());
    h.append("<tr><td>confusion (TP / FP / TN / FN)</td><td class=\"n\">")
        .append(m.truePositives()).append(" / ").append(m.falsePositives()).append(" / ")
        .append(m.trueNegatives()).append(" / ").append(m.falseNegatives()).append("</td>");
    if (alt != null) {
      h.append("<td class=\"n\">").append(alt.truePositives()).append(" / ").append(alt.falsePositives())
          .append(" / ").append(alt.trueNegatives()).append(" / ").append(alt.falseNegatives()).append("</td>");
    }
    h.append("</tr>\n</table>\n");

    h.append("<div class=\"charts\">\n");
    for (String[] chart : new String[][] {{ROC, "ROC curve"}, {PRECISION_RECALL, "precision-recall curve"},
        {CONFUSION, "confusion matrix"}, {IMPORTANCE, "feature importance"}}) {
      h.append("<img src=\"").append(chart[0]).append("\" alt=\"").append(chart[1])
          .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\">\n");
    }
    h.append("</div>\n");

    if (!r.candidates().isEmpty()) {
      h.append("<h2>Model selection</h2>\n<p>Stratified k-fold ROC AUC on the training rows; ")
          .append("the held-out rows played no part.</p>\n<table>\n")
          .append("<tr><th>algorithm</th><th>mean ROC AUC</th><th>sd</th><th>folds</th><th></th></tr>\n");
      for (ModelReport.CandidateScore s : r.candidates()) {
        StringBuilder folds = new StringBuilder();
        for (double v : s.foldRocAuc()) {
          folds.append(folds.isEmpty() ? "" : ", ").append(fmt(v));
        }
        h.append("<tr><td>").append(s.algorithm().shortName()).append("</td><td class=\"n\">")
            .append(fmt(s.meanRocAuc())).append("</td><td class=\"n\">").append(fmt(s.sdRocAuc()))
            .append("</td><td class=\"n\">").append(folds).append("</td><td>")
            .append(s.selected() ? "selected" : "").append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Leakage check</h2>\n<p>ROC AUC of each feature on its own.</p>\n<table>\n")
        .append("<tr><th>feature</th><th>single-feature ROC AUC</th><th></th></tr>\n");
    for (ModelReport.FeatureSignal s : r.leakage()) {
      h.append("<tr><td>").append(esc(s.feature())).append("</td><td class=\"n\">").append(fmt(s.rocAuc()))
          .append("</td><td>").append(s.flagged() ? "<strong>flagged</strong>" : "").append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Parameters</h2>\n<table>\n");
    Map<String, String> params = new TreeMap<>(c.params());
    params.forEach((k, v) -> h.append("<tr><td><code>").append(esc(k)).append("</code></td><td>")
        .append(esc(v)).append("</td></tr>\n"));
    h.append("</table>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String name, String valueHtml) {
    h.append("<tr><th>").append(esc(name)).append("</th><td>").append(valueHtml).append("</td></tr>\n");
  }

  private static void metricRow(StringBuilder h, String name, double value, Double alternative) {
    h.append("<tr><td>").append(esc(name)).append("</td><td class=\"n\">").append(fmt(value)).append("</td>");
    if (alternative != null) {
      h.append("<td class=\"n\">").append(fmt(alternative)).append("</td>");
    }
    h.append("</tr>\n");
  }

  static String fmt(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "n/a";
  }

  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
