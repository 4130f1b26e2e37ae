package io.churnwire.console;

import com.sun.net.httpserver.HttpHandler;
import java.util.Map;

/**
 * The web pages a server adds to its HTTP (metrics) port: the retention team's console at
 * {@value #CONSOLE_PATH} and the REST API's Swagger UI at {@value #DOCS_PATH} (with its OpenAPI
 * description at {@value #OPENAPI_PATH}). The pages call the REST API with relative URLs, so they
 * work when opened through Envoy, which serves that API and routes these two paths here.
 */
public final class ConsoleSite {
  /** The console. */
  public static final String CONSOLE_PATH = "/console/";
  /** Swagger UI of the REST API. */
  public static final String DOCS_PATH = "/docs/";
  /** The OpenAPI description Swagger UI renders. */
  public static final String OPENAPI_PATH = DOCS_PATH + "churnwire.swagger.json";

  private static final String STATIC_ROOT = "io/churnwire/console/static";

  private ConsoleSite() {}

  /** A handler per URL path, to register as they are (for example with {@code MetricsServer.handle}). */
  public static Map<String, HttpHandler> handlers() {
    ClassLoader loader = ConsoleSite.class.getClassLoader();
    return Map.of(
        CONSOLE_PATH, new StaticResourceHandler(CONSOLE_PATH, STATIC_ROOT + "/console", loader),
        DOCS_PATH, new StaticResourceHandler(DOCS_PATH, STATIC_ROOT + "/docs", loader));
  }
}
