package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class AuthTokensTest {

  static String sha256(String token) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parse_hashesSubjectsCommentsAndBlankLines_grantTheirRoles() throws Exception {
    AuthTokens tokens = AuthTokens.parse(List.of(
        "# scoring clients",
        "sha256:" + sha256("scorer") + " predict",
        "",
        "   sha256:" + sha256("operator") + "   admin,predict  ",
        "subject:CN=bridge, O=Churnwire tests predict"));

    assertEquals(Optional.of(Set.of(Role.PREDICT)), tokens.rolesOfToken("scorer"));
    assertEquals(Optional.of(Set.of(Role.ADMIN, Role.PREDICT)), tokens.rolesOfToken("operator"));
    assertEquals(Optional.empty(), tokens.rolesOfToken("guess"));
    assertEquals(Optional.empty(), tokens.rolesOfToken(""));
    assertEquals(Optional.of(Set.of(Role.PREDICT)),
        tokens.rolesOfSubject(new X500Principal("CN=bridge,O=Churnwire tests")));
    assertEquals(Optional.empty(), tokens.rolesOfSubject(new X500Principal("CN=intruder,O=Churnwire tests")));
  }

  @Test
  void rolesOfToken_sameTokenListedTwice_hasTheUnionOfItsRoles() throws Exception {
    AuthTokens tokens = AuthTokens.parse(List.of(
        "sha256:" + sha256("both") + " predict", "sha256:" + sha256("both") + " admin"));

    assertEquals(Optional.of(Set.of(Role.ADMIN, Role.PREDICT)), tokens.rolesOfToken("both"));
  }

  @Test
  void parse_uppercaseHash_isRejectedNamingTheLine() throws Exception {
    List<String> lines = List.of("# ok", "sha256:" + sha256("x").toUpperCase() + " predict");

    var error = assertThrows(IllegalArgumentException.class, () -> AuthTokens.parse(lines));

    assertEquals("line 2: sha256: must be followed by 64 lowercase hex digits", error.getMessage());
  }

  @Test
  void parse_unknownRole_isRejectedNamingTheLineAndTheRoles() throws Exception {
    var error = assertThrows(IllegalArgumentException.class,
        () -> AuthTokens.parse(List.of("sha256:" + sha256("x") + " predict,root")));

    assertEquals("line 1: unknown role 'root' (roles are predict, admin, insights, outcomes)", error.getMessage());
  }

  @Test
  void parse_lineWithoutRoles_isRejectedNamingTheLine() {
    var error = assertThrows(IllegalArgumentException.class, () -> AuthTokens.parse(List.of("", "sha256:abc")));

    assertEquals("line 2: expected a credential and its roles separated by white space", error.getMessage());
  }

  @Test
  void parse_plainTokenInsteadOfItsHash_isRejectedWithoutEchoingIt() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> AuthTokens.parse(List.of("s3cr3t-token predict")));

    assertEquals("line 1: a credential starts with sha256: or subject:", error.getMessage());
  }

  @Test
  void parse_subjectThatIsNotRfc2253_isRejectedNamingTheLine() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> AuthTokens.parse(List.of("subject:not a name admin")));

    assertEquals("line 1: not an RFC 2253 subject: not a name", error.getMessage());
  }
}
