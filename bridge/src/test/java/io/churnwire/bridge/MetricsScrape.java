package io.churnwire.bridge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a {@code /metrics} page in the Prometheus text format, read sample by sample. */
record MetricsScrape(String text, List<MetricsScrape.Sample> samples) {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+).*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One line of the page: a metric name, its labels and its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** Fetches {@code http://127.0.0.1:<port>/metrics}. */
  static MetricsScrape of(int port) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET /metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new AssertionError("cannot scrape port " + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while scraping", e);
    }
  }

  static MetricsScrape parse(String text) {
    var samples = new ArrayList<Sample>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      var labels = new HashMap<String, String>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), Map.copyOf(labels), Double.parseDouble(sample.group(3))));
    }
    return new MetricsScrape(text, List.copyOf(samples));
  }

  /** The value of the sample named {@code name} with at least these labels ({@code key, value, ...}). */
  OptionalDouble value(String name, String... labels) {
    return samples.stream()
        .filter(sample -> sample.name().equals(name) && hasLabels(sample, labels))
        .mapToDouble(Sample::value)
        .findFirst();
  }

  /** Whether some sample is named {@code name}. */
  boolean has(String name) {
    return samples.stream().anyMatch(sample -> sample.name().equals(name));
  }

  private static boolean hasLabels(Sample sample, String... labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
