package io.churnwire.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The one logging backend of a Churnwire process: Logback writing to standard error, as text or as
 * JSON lines, with {@code java.util.logging} (grpc-java's and Netty's loggers) routed into it. Every
 * line carries the MDC of the thread that wrote it, so a line about a call carries its
 * {@value #REQUEST_ID} and, from the current OpenTelemetry span, {@code trace_id} and {@code span_id}.
 */
public final class Logging {
  /** MDC key of the id of the request a line is about. */
  public static final String REQUEST_ID = "request_id";

  private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %-5level [%thread] %logger{0}"
      + "%replace( request_id=%X{request_id}){' request_id=$', ''}"
      + "%replace( trace_id=%X{trace_id}){' trace_id=$', ''} - %msg%n";

  /** Loggers that are chatty at INFO and say nothing an operator needs there. */
  private static final Map<String, Level> QUIETER = Map.of(
      "org.apache.kafka", Level.WARN,
      "kafka", Level.WARN,
      "state.change.logger", Level.WARN,
      "smile", Level.WARN,
      "org.flywaydb", Level.WARN,
      "com.zaxxer.hikari", Level.ERROR,
      "io.grpc.netty.shaded", Level.INFO);

  private Logging() {}

  /** Rewires logging of this process for {@code format}, naming {@code service} in JSON lines. */
  public static void configure(LogFormat format, String service) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      configure(context, format, service);
    }
  }

  /** Sets up {@code context}: console appender, levels, and the bridge from java.util.logging. */
  static void configure(LoggerContext context, LogFormat format, String service) {
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    context.addListener(julLevels);
    julLevels.start();

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, format, service));
    console.start();

    OpenTelemetryAppender withTraceIds = new OpenTelemetryAppender();
    withTraceIds.setContext(context);
    withTraceIds.setName("trace-ids");
    withTraceIds.addAppender(console);
    withTraceIds.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(withTraceIds);
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));

    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format, String service) {
    return switch (format) {
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        yield text;
      }
      case JSON -> {
        LogstashEncoder json = new LogstashEncoder();
        json.setContext(context);
        json.setIncludeContext(false);
        json.setCustomFields("{\"service\":\"" + service.replaceAll("[^A-Za-z0-9._-]", "") + "\"}");
        json.start();
        yield json;
      }
    };
  }
}
