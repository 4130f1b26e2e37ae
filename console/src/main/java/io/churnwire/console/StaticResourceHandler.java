package io.churnwire.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the files below one class-path directory at one URL path of the JDK's HTTP server, so the
 * web pages ship inside the jar and need no web server of their own.
 *
 * <p>Only {@code GET} and {@code HEAD}; a path that is not plainly a file of that directory (a
 * {@code ..} or dot segment, an escape, an unknown file type, a directory) is a 404, so nothing
 * else on the class path can be read through it. Every answer is revalidated by its entity tag
 * ({@code Cache-Control: no-cache}, {@code 304} when unchanged), so a new release is picked up on
 * the next load while unchanged files cost no transfer. Text goes gzipped to clients that take it
 * (Swagger UI's bundle shrinks to about a third), compressed once per file.
 */
public final class StaticResourceHandler implements HttpHandler {
  /** The file a directory path ({@code /console/}) stands for. */
  static final String INDEX = "index.html";

  /** Text smaller than this goes uncompressed: gzip would save next to nothing. */
  private static final int GZIP_FROM_BYTES = 1024;

  /** Path segments as the site's own files are named: letters, digits, {@code . _ -}, no leading dot. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  /** The content type of each file type served; any other file type is never served. */
  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "json", "application/json; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "md", "text/plain; charset=utf-8",
      "txt", "text/plain; charset=utf-8");

  /**
   * Scripts, styles and data only from this origin (the REST API at the same origin included);
   * Chart.js and Swagger UI set inline styles, and Swagger UI shows its icons as data URIs.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
      + "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final String mount;
  private final String resourceRoot;
  private final ClassLoader loader;
  /** Files found so far; misses are not kept, so made-up paths cannot grow it. */
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();

  /**
   * Serves {@code mount} (a URL path ending in {@code /}, such as {@code /console/}) from the
   * class-path directory {@code resourceRoot} (such as {@code io/churnwire/console/static/console})
   * of {@code loader}.
   */
  public StaticResourceHandler(String mount, String resourceRoot, ClassLoader loader) {
    if (!mount.startsWith("/") || !mount.endsWith("/")) {
      throw new IllegalArgumentException("mount must start and end with '/', got '" + mount + "'");
    }
    if (resourceRoot.startsWith("/") || resourceRoot.endsWith("/") || resourceRoot.isEmpty()) {
      throw new IllegalArgumentException("resourceRoot must be a relative directory without a trailing '/', got '"
          + resourceRoot + "'");
    }
    this.mount = mount;
    this.resourceRoot = resourceRoot;
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      Headers headers = exchange.getResponseHeaders();
      if (!head && !method.equals("GET")) {
        headers.set("Allow", "GET, HEAD");
        sendText(exchange, 405, "method not allowed: " + method + "\n", false);
        return;
      }
      Optional<Resource> found = relativePath(exchange.getRequestURI().getRawPath())
          .map(relative -> resources.computeIfAbsent(relative, this::loadOrNull));
      if (found.isEmpty()) {
        sendText(exchange, 404, "not found\n", head);
        return;
      }
      Resource resource = found.get();
      headers.set("Content-Type", resource.contentType());
      headers.set("Vary", "Accept-Encoding");
      headers.set("ETag", resource.etag());
      headers.set("Cache-Control", "no-cache");
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      if (resource.matches(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      byte[] body = resource.body();
      if (resource.gzipped().isPresent() && acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"))) {
        body = resource.gzipped().get();
        headers.set("Content-Encoding", "gzip");
      }
      if (head) {
        headers.set("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * The file below the mount that {@code rawPath} names, {@link #INDEX} for the mount itself;
   * empty for anything that is not plainly such a file.
   */
  Optional<String> relativePath(String rawPath) {
    if (rawPath == null || !rawPath.startsWith(mount)) {
      return Optional.empty();
    }
    String relative = rawPath.substring(mount.length());
    if (relative.isEmpty()) {
      return Optional.of(INDEX);
    }
    for (String segment : relative.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return Optional.empty();
      }
    }
    return contentType(relative).isPresent() ? Optional.of(relative) : Optional.empty();
  }

  /** The file, or null when the class path has no such file. */
  private Resource loadOrNull(String relative) {
    String name = resourceRoot + "/" + relative;
    URL url = loader.getResource(name);
    try {
      if (url == null || isDirectory(url)) {
        return null;
      }
      try (InputStream in = url.openStream()) {
        byte[] body = in.readAllBytes();
        String type = contentType(relative).orElseThrow();
        Optional<byte[]> gzipped = type.startsWith("image/png") || body.length < GZIP_FROM_BYTES
            ? Optional.empty()
            : Optional.of(gzip(body));
        return new Resource(type, body, gzipped, etag(body));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the class path", e);
    }
  }

  /** A directory reads as a listing of its files on a file-system class path; never serve one. */
  private static boolean isDirectory(URL url) throws IOException {
    if (url.getProtocol().equals("file")) {
      try {
        return !Files.isRegularFile(Path.of(url.toURI()));
      } catch (URISyntaxException e) {
        return true;
      }
    }
    URLConnection connection = url.openConnection();
    return connection instanceof JarURLConnection jar && jar.getJarEntry() != null && jar.getJarEntry().isDirectory();
  }

  private static Optional<String> contentType(String relative) {
    int dot = relative.lastIndexOf('.');
    return dot < 0 ? Optional.empty() : Optional.ofNullable(CONTENT_TYPES.get(relative.substring(dot + 1)));
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length / 3);
    try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
      out.write(body);
    }
    return compressed.toByteArray();
  }

  /** Whether an {@code Accept-Encoding} header takes gzip (and does not refuse it with q=0). */
  static boolean acceptsGzip(List<String> acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String header : acceptEncoding) {
      for (String coding : header.split(",")) {
        String[] parts = coding.strip().split(";");
        if (parts[0].strip().equalsIgnoreCase("gzip")) {
          return !(parts.length > 1 && parts[1].strip().replace(" ", "").matches("q=0(\\.0*)?"));
        }
      }
    }
    return false;
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text, boolean head) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** One file as served: its bytes (and gzipped, when worth it), their type and their entity tag. */
  private record Resource(String contentType, byte[] body, Optional<byte[]> gzipped, String etag) {
    /** Whether an {@code If-None-Match} header names this version (or any, {@code *}). */
    boolean matches(String ifNoneMatch) {
      if (ifNoneMatch == null) {
        return false;
      }
      for (String tag : ifNoneMatch.split(",")) {
        String candidate = tag.strip();
        if (candidate.startsWith("W/")) {
          candidate = candidate.substring(2);
        }
        if (candidate.equals(etag) || candidate.equals("*")) {
          return true;
        }
      }
      return false;
    }
  }
}
