package io.churnwire.envoy;

import static io.churnwire.envoy.RestGateway.json;
import static io.churnwire.envoy.RestGateway.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.churnwire.testsupport.Customers;
import io.churnwire.v1.BatchPredictRequest;
import io.churnwire.v1.BatchPredictResponse;
import io.churnwire.v1.FeatureSpec;
import io.churnwire.v1.GetModelMetadataRequest;
import io.churnwire.v1.GetPredictionStatsResponse;
import io.churnwire.v1.ModelMetadata;
import io.churnwire.v1.Outcome;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.RecordOutcomesRequest;
import io.churnwire.v1.RecordOutcomesResponse;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The retention console and the API's Swagger UI in a real headless Chromium, opened through the
 * real Envoy in front of the real server, after a few hundred REST predictions and the outcomes of
 * those customers: every chart draws data, the numbers shown are the API's, Explain shows the
 * factors of a customer's probability, Swagger UI renders every service's operations, and the
 * browser logs no error. Full-page screenshots land in {@code envoy/target/console.png} (with an
 * explanation shown) and {@code envoy/target/docs.png}.
 *
 * <p>Ordered, because Explain scores a customer again, which adds a prediction to the statistics
 * the first test compares.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  private static final int CUSTOMERS = 300;
  private static final int BATCH = 100;
  private static final Duration PAGE_WAIT = Duration.ofSeconds(60);
  /** The buckets the console asks /v1/stats:riskDistribution for. */
  private static final long RISK_BUCKETS = 20;
  /** The chart containers of the console, each marked data-points="N" once drawn. */
  private static final Set<String> CHARTS = Set.of("chart-risk", "chart-over-time", "chart-reliability", "chart-psi",
      "chart-feature");
  private static final Path TARGET = Tools.root().resolve("envoy/target");

  private static RestGateway gateway;
  private static ChromeDriver browser;
  private static ModelMetadata model;

  @BeforeAll
  static void predictRecordOutcomesAndOpenABrowser() throws Exception {
    gateway = RestGateway.start(config -> config);
    model = gateway.grpc().getModelMetadata(GetModelMetadataRequest.getDefaultInstance()).getModel();
    Map<String, Double> probabilities = predictOverRest(Customers.varied(CUSTOMERS));
    gateway.awaitRecorded(CUSTOMERS);
    recordOutcomes(probabilities);
    browser = chromium();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  @Test
  @Order(1)
  void console_drawsEveryChartWithData_showsTheApisNumbers_andLogsNoError() throws Exception {
    browserLog();

    browser.get(gateway.envoy.rest("/console/").toString());
    Map<String, Long> points = awaitCharts();

    assertTrue(points.values().stream().allMatch(count -> count > 0), points::toString);
    GetPredictionStatsResponse stats = parse(gateway.get("/v1/stats").body(), GetPredictionStatsResponse.newBuilder(),
        GetPredictionStatsResponse.class);
    assertEquals(stats.getOverall().getPredictionCount(), Long.parseLong(value("stat-predictions")));
    assertEquals(Long.toString(stats.getOverall().getPredictionCount()),
        browser.findElement(By.id("stat-predictions")).getText().replaceAll("[^0-9]", ""));
    assertEquals(stats.getOverall().getPredictedChurnRate(), Double.parseDouble(value("stat-churn-rate")), 1e-12);
    assertEquals(stats.getOverall().getMeanChurnProbability(), Double.parseDouble(value("stat-mean-probability")), 1e-12);
    Map<String, Long> bandsShown = browser.findElements(By.cssSelector("#bands tbody tr")).stream()
        .collect(Collectors.toMap(row -> row.getDomAttribute("data-band"),
            row -> Long.parseLong(row.getDomAttribute("data-predictions"))));
    assertEquals(stats.getRiskBandsList().stream().collect(Collectors.toMap(band -> band.getRiskBand().name(),
        band -> band.getSummary().getPredictionCount())), bandsShown);
    assertTrue(browser.findElement(By.id("model")).getText().contains(model.getVersion()),
        () -> browser.findElement(By.id("model")).getText());
    assertFalse(browser.findElement(By.id("origin-banner")).isDisplayed());
    assertEquals(List.of(), visibleErrors());
    assertEquals(RISK_BUCKETS, points.get("chart-risk"));
    assertFalse(browser.findElements(By.cssSelector("#riskiest-table tbody tr")).isEmpty());
    assertEquals(model.getFeaturesCount(), browser.findElements(By.cssSelector("#drift-table tbody tr")).size());
    screenshot(TARGET.resolve("console.png"));
    assertEquals(List.of(), severe(browserLog()));
  }

  @Test
  @Order(2)
  void explain_showsTheFactorsOfTheRiskiestCustomersProbability() throws Exception {
    browserLog();
    openConsole();
    WebElement riskiest = browser.findElement(By.cssSelector("#riskiest-table tbody tr"));

    riskiest.findElement(By.cssSelector("button.explain")).click();
    new WebDriverWait(browser, PAGE_WAIT).until(page -> !List.of("none", "loading")
        .contains(page.findElement(By.id("explanation")).getDomAttribute("data-state")));

    WebElement explanation = browser.findElement(By.id("explanation"));
    assertEquals("ready", explanation.getDomAttribute("data-state"), explanation::getText);
    List<String> factors = explanation.findElements(By.cssSelector(".factors li .feature")).stream()
        .map(WebElement::getText).toList();
    Set<String> features = model.getFeaturesList().stream().map(FeatureSpec::getName).collect(Collectors.toSet());
    assertFalse(factors.isEmpty());
    assertTrue(features.containsAll(factors), () -> factors + " are not all features of " + features);
    assertTrue(explanation.getText().contains(riskiest.getDomAttribute("data-customer")), explanation::getText);
    screenshot(TARGET.resolve("console.png"));
    assertEquals(List.of(), severe(browserLog()));
  }

  @Test
  @Order(3)
  void docs_rendersSwaggerUi_withTheOperationsOfEveryService() throws Exception {
    browserLog();

    browser.get(gateway.envoy.rest("/docs/").toString());
    new WebDriverWait(browser, PAGE_WAIT).until(page -> !page.findElements(By.cssSelector(".opblock")).isEmpty());

    Set<String> tags = browser.findElements(By.cssSelector(".opblock-tag")).stream()
        .map(tag -> tag.getDomAttribute("data-tag")).collect(Collectors.toSet());
    assertEquals(Set.of("ChurnService", "ChurnInsightsService", "ChurnMonitoringService"), tags);
    Set<String> paths = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
        .map(path -> path.getDomAttribute("data-path")).collect(Collectors.toSet());
    assertTrue(paths.containsAll(Set.of("/v1/outcomes", "/v1/monitoring/performance", "/v1/monitoring/drift")),
        paths::toString);
    screenshot(TARGET.resolve("docs.png"));
    assertEquals(List.of(), severe(browserLog()));
  }

  @Test
  @Order(4)
  void console_openedOnTheMetricsPortItself_saysToOpenItThroughEnvoy() {
    browser.get("http://127.0.0.1:" + gateway.server.metricsPort() + "/console/");

    new WebDriverWait(browser, PAGE_WAIT).until(page -> page.findElement(By.id("origin-banner")).isDisplayed());

    assertTrue(browser.findElement(By.id("origin-banner")).getText().contains("http://localhost:8080/console/"));
    assertTrue(CHARTS.stream().allMatch(chart -> "0".equals(browser.findElement(By.id(chart)).getDomAttribute("data-points"))));
    browserLog();
  }

  /** Headless Debian Chromium driven by Debian's chromedriver, whose versions always match. */
  private static ChromeDriver chromium() {
    ChromeOptions options = new ChromeOptions()
        .setBinary(new File("/usr/bin/chromium"))
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,2200",
            "--hide-scrollbars", "--lang=en-US");
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  private static void openConsole() {
    browser.get(gateway.envoy.rest("/console/").toString());
    awaitCharts();
  }

  /** Waits until every chart has drawn with data, or the wait ends; answers each chart's points. */
  private static Map<String, Long> awaitCharts() {
    try {
      new WebDriverWait(browser, PAGE_WAIT).until(page -> chartPoints().values().stream().allMatch(count -> count > 0));
    } catch (TimeoutException e) {
      AssertionError failure = new AssertionError("not every chart drew data: " + chartPoints() + "; errors shown: "
          + visibleErrors() + "; the page is in envoy/target/console-failed.png", e);
      try {
        screenshot(TARGET.resolve("console-failed.png"));
      } catch (IOException | RuntimeException screenshotFailure) {
        failure.addSuppressed(screenshotFailure);
      }
      throw failure;
    }
    return chartPoints();
  }

  private static Map<String, Long> chartPoints() {
    return CHARTS.stream().collect(Collectors.toMap(chart -> chart,
        chart -> Long.parseLong(browser.findElement(By.id(chart)).getDomAttribute("data-points"))));
  }

  private static List<String> visibleErrors() {
    return browser.findElements(By.cssSelector(".panel > .error")).stream()
        .filter(WebElement::isDisplayed).map(WebElement::getText).toList();
  }

  private static String value(String id) {
    return browser.findElement(By.id(id)).getDomAttribute("data-value");
  }

  /** The browser's console entries since the last call (reading them clears them). */
  private static List<LogEntry> browserLog() {
    return browser.manage().logs().get(LogType.BROWSER).getAll();
  }

  private static List<String> severe(List<LogEntry> entries) {
    return entries.stream().filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).toList();
  }

  /**
   * The whole page, through the DevTools protocol: the viewport grows to the page's height (the
   * width stays, so nothing reflows), the charts redraw at once for it, and the capture follows.
   */
  private static void screenshot(Path file) throws IOException {
    long width = ((Number) browser.executeScript("return window.innerWidth")).longValue();
    long height = ((Number) browser.executeScript("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    try {
      browser.executeScript("if (window.Chart) { Object.values(Chart.instances).forEach((chart) => { "
          + "chart.resize(); chart.update('none'); }); }");
      Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  /** Scores {@code customers} through Envoy's batch endpoint; answers each customer's probability. */
  private static Map<String, Double> predictOverRest(List<PredictRequest> customers) throws Exception {
    Map<String, Double> probabilities = new HashMap<>();
    for (int from = 0; from < customers.size(); from += BATCH) {
      BatchPredictRequest.Builder batch = BatchPredictRequest.newBuilder();
      for (int i = from; i < Math.min(from + BATCH, customers.size()); i++) {
        PredictRequest customer = customers.get(i).toBuilder()
            .setRequestId("console-" + i).setCustomerId("CONSOLE-" + i).build();
        batch.addItems(Customers.item("item-" + i, customer));
      }
      HttpResponse<String> answer = gateway.post("/v1/customers:batchPredict", json(batch.build()));
      assertEquals(200, answer.statusCode(), answer::body);
      for (PredictBatchResponse result : parse(answer.body(), BatchPredictResponse.newBuilder(),
          BatchPredictResponse.class).getResultsList()) {
        assertTrue(result.hasResponse(), result::toString);
        probabilities.put(result.getResponse().getCustomerId(), result.getResponse().getPrediction().getChurnProbability());
      }
    }
    return probabilities;
  }

  /**
   * An outcome for every customer, drawn with the customer's predicted probability (a fixed seed),
   * so realised performance has both classes and a reliability curve near the diagonal.
   */
  private static void recordOutcomes(Map<String, Double> probabilities) throws Exception {
    Random draws = new Random(42);
    RecordOutcomesRequest.Builder outcomes = RecordOutcomesRequest.newBuilder();
    Instant observed = Instant.now();
    probabilities.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(customer ->
        outcomes.addOutcomes(Outcome.newBuilder()
            .setCustomerId(customer.getKey())
            .setChurned(draws.nextDouble() < customer.getValue())
            .setObserveTime(Timestamps.fromMillis(observed.toEpochMilli()))));
    HttpResponse<String> answer = gateway.post("/v1/outcomes", json(outcomes.build()));
    assertEquals(200, answer.statusCode(), answer::body);
    RecordOutcomesResponse recorded = parse(answer.body(), RecordOutcomesResponse.newBuilder(), RecordOutcomesResponse.class);
    assertEquals(probabilities.size(), recorded.getMatchedCount(), recorded::toString);
  }
}
