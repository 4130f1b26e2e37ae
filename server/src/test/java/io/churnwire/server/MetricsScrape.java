package io.churnwire.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of a server's {@code /metrics} page in the Prometheus text format, as a scraper sees it. */
record MetricsScrape(String text) {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A sample: its metric name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** Scrapes {@code http://127.0.0.1:<port>/metrics}. */
  static MetricsScrape of(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10))
            .GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("/metrics answered " + response.statusCode());
    }
    return new MetricsScrape(response.body());
  }

  /** Every sample of {@code name} whose labels include {@code labels}. */
  List<Sample> samples(String name, Map<String, String> labels) {
    return text.lines()
        .map(SAMPLE::matcher)
        .filter(Matcher::matches)
        .filter(line -> line.group(1).equals(name))
        .map(line -> new Sample(line.group(1), labels(line.group(2)), Double.parseDouble(line.group(3))))
        .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there are none. */
  double value(String name, Map<String, String> labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** The lines of the page that start with {@code prefix}, for failure messages and reports. */
  String linesStartingWith(String prefix) {
    return String.join("\n", text.lines().filter(line -> line.startsWith(prefix)).toList());
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    if (text != null) {
      Matcher label = LABEL.matcher(text);
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
    }
    return labels;
  }
}
