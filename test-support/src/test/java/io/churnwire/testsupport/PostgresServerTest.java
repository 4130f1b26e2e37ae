package io.churnwire.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresServerTest {
  @Test
  void start_withoutTheBinaries_failsSayingHowToInstallThem() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> PostgresServer.start(Path.of("/nonexistent/postgresql/bin")));

    assertTrue(missing.getMessage().contains("install Debian's postgresql package"), missing.getMessage());
  }

  @Test
  void start_listensOnItsPort_stopAndRestartKeepThePort_closeDeletesEverything() throws Exception {
    PostgresServer server = PostgresServer.start();
    Path directory = server.directory();
    try {
      assertTrue(accepts(server.port()));
      assertTrue(server.jdbcUrl().endsWith(":" + server.port() + "/churnwire_test"));

      server.stop();
      assertFalse(accepts(server.port()));
      server.restart();
      assertTrue(accepts(server.port()));
    } finally {
      server.close();
    }

    assertFalse(Files.exists(directory));
    assertFalse(accepts(server.port()));
  }

  private static boolean accepts(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (ConnectException e) {
      return false;
    }
  }
}
