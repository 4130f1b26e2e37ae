package io.churnwire.config;

import static io.churnwire.config.Rule.between;
import static io.churnwire.config.Rule.notBlank;
import static io.churnwire.config.Rule.positive;
import static io.churnwire.config.ValueType.INTEGER;
import static io.churnwire.config.ValueType.MILLIS;
import static io.churnwire.config.ValueType.TEXT;

import java.time.Duration;

/** A small command's settings, one of each kind, for the tests of this module. */
final class DemoSettings {
  private DemoSettings() {}

  static final Setting<Integer> PORT = Setting.of("port", "demo.server.port", INTEGER, 8080, "port to listen on")
      .environment("DEMO_PORT")
      .require(between(0, 65_535));

  static final Setting<String> NAME = Setting.of("name", "demo.server.name", TEXT, "demo", "what to call it")
      .require(notBlank());

  static final Setting<Duration> TIMEOUT =
      Setting.of("timeout-ms", "demo.client.timeout-ms", MILLIS, Duration.ofSeconds(1), "how long to wait")
          .require(positive());

  static final Setting<Integer> WORKERS = Setting.of("workers", "demo.server.workers", INTEGER, 4, "`Worker` threads")
      .showDefaultAs("cores");

  static final Settings DEMO = Settings.of("demo", "Runs the demo.", "DEMO_CONFIG", PORT, NAME, TIMEOUT, WORKERS);
}
