package io.churnwire.config;

import static io.churnwire.config.DemoSettings.DEMO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HelpTableTest {

  @Test
  void table_hasOneMarkdownRowPerSetting_inDeclarationOrder() {
    assertEquals("""
        | flag | environment | key | default | meaning |
        |---|---|---|---|---|
        | `--port` | `DEMO_PORT` | `demo.server.port` | `8080` | port to listen on |
        | `--name` | `DEMO_SERVER_NAME` | `demo.server.name` | `demo` | what to call it |
        | `--timeout-ms` | `DEMO_CLIENT_TIMEOUT_MS` | `demo.client.timeout-ms` | `1000` | how long to wait |
        | `--workers` | `DEMO_SERVER_WORKERS` | `demo.server.workers` | cores | `Worker` threads |""",
        DEMO.table());
  }

  @Test
  void help_namesTheCommandAndTheConfigVariable_thenShowsTheTable() {
    String help = DEMO.help();

    assertTrue(help.startsWith("Usage: demo [--config=<file>] [--<flag>=<value> ...]\n\nRuns the demo.\n"), help);
    assertTrue(help.contains("(--config=<file> or DEMO_CONFIG)"), help);
    assertTrue(help.endsWith("\n\n" + DEMO.table()), help);
  }
}
