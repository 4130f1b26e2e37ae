package io.churnwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path directory;

  @Test
  void rotatedToken_isUsedAfterTheFileChanges() throws Exception {
    Path file = Files.writeString(directory.resolve("token"), "first-token\n");
    TokenFile token = new TokenFile(file, ClientSecurity.readToken(file), 0);

    Files.writeString(file, "second-token\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertEquals("second-token", token.get());
  }

  @Test
  void emptiedOrMissingFile_keepsTheLastGoodToken() throws Exception {
    Path file = Files.writeString(directory.resolve("token"), "good-token\n");
    TokenFile token = new TokenFile(file, ClientSecurity.readToken(file), 0);

    Files.writeString(file, "\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals("good-token", token.get());

    Files.delete(file);
    assertEquals("good-token", token.get());
  }

  @Test
  void fileIsNotReadAgainWithinTheInterval() throws Exception {
    Path file = Files.writeString(directory.resolve("token"), "first-token\n");
    TokenFile token = new TokenFile(file, ClientSecurity.readToken(file), TokenFile.CHECK_INTERVAL_NANOS * 3600);

    Files.writeString(file, "second-token\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertEquals("first-token", token.get());
  }

  @Test
  void securityFromATokenFile_sendsTheRotatedToken() throws Exception {
    Path file = Files.writeString(directory.resolve("token"), "first-token\n");
    ClientSecurity security = ClientSecurity.plaintext().withTokenFile(file);

    assertEquals(java.util.Optional.of(file), security.tokenFile());
    assertEquals(java.util.Optional.of("first-token"), security.token());
  }
}
