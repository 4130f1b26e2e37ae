package io.churnwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnwire.client.ClientSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security flags and variables turned into the client's {@link ClientSecurity}; no server. */
class ConnectionOptionsTest {
  @TempDir
  Path directory;

  private static ConnectionOptions resolve(Map<String, String> environment, String... args) {
    return ConnectionOptions.from(CliSettings.PREDICT.resolve(args, environment));
  }

  @Test
  void nothingGiven_isPlaintextWithoutAToken() {
    assertEquals(ClientSecurity.plaintext(), resolve(Map.of()).security());
  }

  @Test
  void tlsAlone_trustsThePlatformStore() {
    assertEquals(ClientSecurity.systemTrust(), resolve(Map.of(), "--tls").security());
  }

  @Test
  void caFile_impliesTls() {
    ClientSecurity security = resolve(Map.of(), "--tls-ca-file", "ca.pem").security();

    assertTrue(security.tls());
    assertEquals(Optional.of(Path.of("ca.pem")), security.caFile());
  }

  @Test
  void certificateAndKey_impliesTlsAndPresentsThem() {
    ClientSecurity security = resolve(Map.of(), "--tls-cert-file", "c.crt", "--tls-key-file", "c.key").security();

    assertTrue(security.tls());
    assertEquals(Optional.of(Path.of("c.crt")), security.certificateFile());
    assertEquals(Optional.of(Path.of("c.key")), security.keyFile());
  }

  @Test
  void everySecuritySetting_comesFromItsSharedVariable() throws IOException {
    Path token = Files.writeString(directory.resolve("token"), "env-token\n");

    ClientSecurity security = resolve(Map.of("CHURNWIRE_TLS_CA_FILE", "ca.pem",
        "CHURNWIRE_TLS_CLIENT_CERT_FILE", "c.crt", "CHURNWIRE_TLS_CLIENT_KEY_FILE", "c.key",
        "CHURNWIRE_TOKEN_FILE", token.toString())).security();

    assertEquals(new ClientSecurity(true, Optional.of(Path.of("ca.pem")), Optional.of(Path.of("c.crt")),
        Optional.of(Path.of("c.key")), Optional.of("env-token"), Optional.of(token)), security);
  }

  @Test
  void tokenVariable_isSentAsIs() {
    assertEquals(Optional.of("abc"), resolve(Map.of("CHURNWIRE_TOKEN", "abc")).security().token());
  }

  @Test
  void tokenAndTokenFile_isRefusedNamingBothFlags() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("CHURNWIRE_TOKEN", "abc"), "--token-file", "t"));

    assertEquals("--token and --token-file were both given; give one", error.getMessage());
  }

  @Test
  void certificateWithoutKey_isRefusedNamingBothFlags() {
    var error = assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--tls-cert-file", "c.crt"));

    assertEquals("--tls-cert-file and --tls-key-file go together; give both or neither", error.getMessage());
  }

  @Test
  void tokenWithASpace_isRefusedWithoutRepeatingIt() {
    var error = assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--token", "my secret"));

    assertTrue(error.getMessage().startsWith("--token: "), error::getMessage);
    assertFalse(error.getMessage().contains("my secret"), error::getMessage);
  }

  @Test
  void emptyTokenFile_isRefusedNamingTheFlag() throws IOException {
    Path empty = Files.writeString(directory.resolve("empty"), "\n");

    var error = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of(), "--token-file", empty.toString()));

    assertEquals("--token-file: token file " + empty + " is empty", error.getMessage());
  }
}
