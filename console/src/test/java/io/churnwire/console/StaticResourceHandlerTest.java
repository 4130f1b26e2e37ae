package io.churnwire.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's pages served by a real JDK HTTP server exactly as the server's metrics port
 * serves them: the files the build packs, with their types and entity tags, and nothing else.
 */
class StaticResourceHandlerTest {
  private static HttpServer server;
  private static HttpClient http;

  @BeforeAll
  static void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ConsoleSite.handlers().forEach(server::createContext);
    server.start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void consoleDirectory_servesTheConsolePage_asUtf8Html() throws Exception {
    HttpResponse<String> page = get("/console/");

    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
    assertTrue(page.body().contains("<script src=\"console.js\""), page::body);
    assertEquals(resource("console/index.html"), page.body());
  }

  @Test
  void everyFileThePagesLoad_isServedWithItsContentType() throws Exception {
    Map<String, String> types = Map.of(
        "/console/console.js", "text/javascript; charset=utf-8",
        "/console/console.css", "text/css; charset=utf-8",
        "/console/vendor/chart.js/chart.umd.min.js", "text/javascript; charset=utf-8",
        "/docs/", "text/html; charset=utf-8",
        "/docs/docs.js", "text/javascript; charset=utf-8",
        "/docs/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8",
        "/docs/vendor/swagger-ui/swagger-ui.css", "text/css; charset=utf-8",
        ConsoleSite.OPENAPI_PATH, "application/json; charset=utf-8");

    for (Map.Entry<String, String> file : types.entrySet()) {
      HttpResponse<String> answer = get(file.getKey());

      assertEquals(200, answer.statusCode(), file::getKey);
      assertEquals(file.getValue(), answer.headers().firstValue("content-type").orElseThrow(), file::getKey);
      assertEquals("nosniff", answer.headers().firstValue("x-content-type-options").orElseThrow(), file::getKey);
      assertFalse(answer.body().isEmpty(), file::getKey);
    }
  }

  @Test
  void openApiDescription_isTheShippedOne() throws Exception {
    HttpResponse<String> description = get(ConsoleSite.OPENAPI_PATH);

    assertEquals(200, description.statusCode());
    assertTrue(description.body().contains("\"ChurnMonitoringService\""), "the monitoring service is described");
    assertTrue(description.body().contains("\"/v1/monitoring/drift\""), "the drift call is described");
  }

  @Test
  void answers_carryAnEntityTagToRevalidate_andAnUnchangedFileIs304WithoutBody() throws Exception {
    HttpResponse<String> first = get("/console/console.js");
    String etag = first.headers().firstValue("etag").orElseThrow();

    HttpResponse<String> again = send(HttpRequest.newBuilder(uri("/console/console.js"))
        .header("If-None-Match", etag).GET());
    HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/console/console.js"))
        .header("If-None-Match", "\"someone-else\"").GET());

    assertEquals("no-cache", first.headers().firstValue("cache-control").orElseThrow());
    assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());
    assertEquals(etag, again.headers().firstValue("etag").orElseThrow());
    assertEquals(200, other.statusCode());
    assertEquals(first.body(), other.body());
  }

  @Test
  void pages_restrictWhatTheyLoadToTheirOwnOrigin() throws Exception {
    HttpResponse<String> page = get("/console/");

    String policy = page.headers().firstValue("content-security-policy").orElseThrow();
    assertTrue(policy.startsWith("default-src 'self'"), policy);
    assertTrue(policy.contains("frame-ancestors 'none'"), policy);
  }

  @Test
  void clientsTakingGzip_getTheFileGzipped_andOthersGetItPlain() throws Exception {
    HttpResponse<String> plain = get("/docs/vendor/swagger-ui/swagger-ui-bundle.js");

    HttpResponse<byte[]> gzipped = http.send(HttpRequest.newBuilder(uri("/docs/vendor/swagger-ui/swagger-ui-bundle.js"))
        .header("Accept-Encoding", "br, gzip;q=0.8").timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
    assertEquals("gzip", gzipped.headers().firstValue("content-encoding").orElseThrow());
    assertEquals("Accept-Encoding", gzipped.headers().firstValue("vary").orElseThrow());
    byte[] unzipped;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
      unzipped = in.readAllBytes();
    }
    assertEquals(plain.body(), new String(unzipped, StandardCharsets.UTF_8));
    assertTrue(gzipped.body().length < unzipped.length / 2, "compressed to " + gzipped.body().length);
    assertEquals(plain.headers().firstValue("etag"), gzipped.headers().firstValue("etag"));
  }

  @Test
  void acceptsGzip_readsTheCodingsAndTheirWeights() {
    assertTrue(StaticResourceHandler.acceptsGzip(List.of("gzip")));
    assertTrue(StaticResourceHandler.acceptsGzip(List.of("br", "GZIP; q=0.5")));
    assertTrue(StaticResourceHandler.acceptsGzip(List.of("deflate, gzip")));
    assertFalse(StaticResourceHandler.acceptsGzip(List.of("gzip;q=0")));
    assertFalse(StaticResourceHandler.acceptsGzip(List.of("gzip; q=0.000")));
    assertFalse(StaticResourceHandler.acceptsGzip(List.of("identity, br")));
    assertFalse(StaticResourceHandler.acceptsGzip(null));
  }

  @Test
  void head_answersTheHeadersOfGet_withoutABody() throws Exception {
    HttpResponse<String> get = get("/console/console.css");

    HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/console/console.css"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(get.headers().firstValue("etag"), head.headers().firstValue("etag"));
    assertEquals(get.headers().firstValue("content-type"), head.headers().firstValue("content-type"));
    assertEquals(Optional.of(Long.toString(get.body().getBytes(StandardCharsets.UTF_8).length)),
        head.headers().firstValue("content-length"));
  }

  @Test
  void methodsOtherThanGetAndHead_are405WithAllow() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/console/"))
          .method(method, HttpRequest.BodyPublishers.ofString("x")));

      assertEquals(405, answer.statusCode(), method);
      assertEquals("GET, HEAD", answer.headers().firstValue("allow").orElseThrow(), method);
    }
  }

  @Test
  void unknownFiles_are404() throws Exception {
    for (String path : new String[] {"/console/missing.js", "/console/vendor/", "/console/vendor/chart.js",
        "/docs/vendor/swagger-ui/index.html", "/console/index.htm"}) {
      assertEquals(404, get(path).statusCode(), path);
    }
  }

  @Test
  void pathsLeavingTheSiteDirectory_are404_evenWhenTheTargetExistsOnTheClassPath() throws Exception {
    String[] escapes = {
        "/console/../docs/index.html",
        "/console/%2e%2e/docs/index.html",
        "/console/..%2fdocs/index.html",
        "/console/vendor/../index.html",
        "/console/./index.html",
        "/console//index.html",
        "/console/.hidden.js",
        "/console/..\\docs\\index.html",
        "/console/%2E%2E/%2E%2E/io/churnwire/console/ConsoleSite.class",
    };

    for (String path : escapes) {
      int status = raw(path);

      assertTrue(status == 404 || status == 400, () -> path + " -> " + status);
    }
  }

  @Test
  void relativePath_acceptsOnlyPlainFileNamesOfKnownTypes() {
    StaticResourceHandler handler = new StaticResourceHandler("/console/", "io/churnwire/console/static/console",
        getClass().getClassLoader());

    assertEquals(Optional.of("index.html"), handler.relativePath("/console/"));
    assertEquals(Optional.of("vendor/chart.js/chart.umd.min.js"), handler.relativePath("/console/vendor/chart.js/chart.umd.min.js"));
    assertEquals(Optional.empty(), handler.relativePath("/console"));
    assertEquals(Optional.empty(), handler.relativePath("/docs/index.html"));
    assertEquals(Optional.empty(), handler.relativePath("/console/../x.js"));
    assertEquals(Optional.empty(), handler.relativePath("/console/a%2F..%2Fb.js"));
    assertEquals(Optional.empty(), handler.relativePath("/console/secret.class"));
    assertEquals(Optional.empty(), handler.relativePath("/console/vendor"));
  }

  @Test
  void mountAndRoot_mustBeDirectories() {
    ClassLoader loader = getClass().getClassLoader();

    assertThrows(IllegalArgumentException.class, () -> new StaticResourceHandler("/console", "a", loader));
    assertThrows(IllegalArgumentException.class, () -> new StaticResourceHandler("console/", "a", loader));
    assertThrows(IllegalArgumentException.class, () -> new StaticResourceHandler("/console/", "/a", loader));
    assertThrows(IllegalArgumentException.class, () -> new StaticResourceHandler("/console/", "a/", loader));
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The status of a request line sent as written, since URI would normalise or refuse some paths. */
  private static int raw(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = StaticResourceHandlerTest.class.getClassLoader()
        .getResourceAsStream("io/churnwire/console/static/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
