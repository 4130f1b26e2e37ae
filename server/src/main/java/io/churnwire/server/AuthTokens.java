package io.churnwire.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * The credentials the server accepts, as one parsed tokens file: SHA-256 hashes of bearer tokens
 * and subjects of mTLS client certificates, each with its roles. The file holds only hashes, so a
 * leaked copy grants nothing, and a token is matched against every hash in constant time, so the
 * time an answer takes says nothing about which tokens exist.
 *
 * <p>Each line is {@code sha256:<64 lowercase hex digits> <role>[,<role>...]} or
 * {@code subject:<RFC 2253 subject> <role>[,<role>...]}; the roles are the line's last word, the
 * subject everything between {@code subject:} and them. Blank lines and lines starting with
 * {@code #} are skipped.
 */
final class AuthTokens {
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_TOKEN_CHARS = 4_096;

  private final List<Grant> tokens;
  private final Map<String, Set<Role>> subjects;

  private record Grant(byte[] hash, Set<Role> roles) {}

  private AuthTokens(List<Grant> tokens, Map<String, Set<Role>> subjects) {
    this.tokens = List.copyOf(tokens);
    this.subjects = Map.copyOf(subjects);
  }

  /**
   * Parses the lines of a tokens file.
   *
   * @throws IllegalArgumentException naming the first bad line by its number, never its token hash
   */
  static AuthTokens parse(List<String> lines) {
    List<Grant> tokens = new ArrayList<>();
    Map<String, Set<Role>> subjects = new LinkedHashMap<>();
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        int split = lastWhitespace(line);
        if (split < 0) {
          throw new IllegalArgumentException("expected a credential and its roles separated by white space");
        }
        String credential = line.substring(0, split).strip();
        Set<Role> roles = roles(line.substring(split + 1));
        if (credential.startsWith("sha256:")) {
          String hex = credential.substring("sha256:".length());
          if (!HASH.matcher(hex).matches()) {
            throw new IllegalArgumentException("sha256: must be followed by 64 lowercase hex digits");
          }
          tokens.add(new Grant(HexFormat.of().parseHex(hex), roles));
        } else if (credential.startsWith("subject:")) {
          String subject = canonical(credential.substring("subject:".length()).strip());
          subjects.merge(subject, roles, AuthTokens::union);
        } else {
          throw new IllegalArgumentException("a credential starts with sha256: or subject:");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
      }
    }
    return new AuthTokens(tokens, subjects);
  }

  /**
   * The roles of bearer {@code token}, empty when it is unknown. Every known hash is compared with
   * {@link MessageDigest#isEqual}, with no early exit, so the time does not depend on which matched.
   */
  Optional<Set<Role>> rolesOfToken(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    byte[] hash = sha256(token);
    boolean known = false;
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (Grant grant : tokens) {
      boolean match = MessageDigest.isEqual(hash, grant.hash());
      known |= match;
      if (match) {
        roles.addAll(grant.roles());
      }
    }
    return known ? Optional.of(roles) : Optional.empty();
  }

  /** The roles granted to client certificates with {@code subject}, empty when it is not listed. */
  Optional<Set<Role>> rolesOfSubject(X500Principal subject) {
    return Optional.ofNullable(subjects.get(subject.getName(X500Principal.CANONICAL)));
  }

  /** Hashes and subjects listed. */
  int size() {
    return tokens.size() + subjects.size();
  }

  private static int lastWhitespace(String line) {
    for (int i = line.length() - 1; i >= 0; i--) {
      if (Character.isWhitespace(line.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static Set<Role> roles(String list) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String label : list.split(",", -1)) {
      roles.add(Role.parse(label));
    }
    return roles;
  }

  private static String canonical(String subject) {
    if (subject.isEmpty()) {
      throw new IllegalArgumentException("subject: must be followed by an RFC 2253 subject");
    }
    try {
      return new X500Principal(subject).getName(X500Principal.CANONICAL);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an RFC 2253 subject: " + SafeLog.value(subject));
    }
  }

  private static Set<Role> union(Set<Role> a, Set<Role> b) {
    EnumSet<Role> both = EnumSet.copyOf(a);
    both.addAll(b);
    return both;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
