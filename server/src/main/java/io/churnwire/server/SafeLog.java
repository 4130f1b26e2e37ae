package io.churnwire.server;

/**
 * Caller-controlled text made safe for a log line: control and invisible formatting characters
 * (CR, LF, bidi overrides ...) are escaped, so a caller cannot forge or split log lines, and long
 * values are cut, so a caller cannot write megabyte lines.
 */
final class SafeLog {
  /** Characters of a value kept in a log line. */
  static final int MAX_CHARS = 64;

  private SafeLog() {}

  /** Characters of a server-built message about a request kept in a log line. */
  static final int MAX_MESSAGE_CHARS = 1024;

  /** {@code text} escaped and cut to {@value #MAX_CHARS} characters, saying how long it was. */
  static String value(String text) {
    return value(text, MAX_CHARS);
  }

  /** {@code text} escaped and cut to {@code maxChars} characters, saying how long it was. */
  static String value(String text, int maxChars) {
    if (text == null) {
      return "null";
    }
    int end = Math.min(text.length(), maxChars);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder safe = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> safe.append("\\r");
        case '\n' -> safe.append("\\n");
        case '\t' -> safe.append("\\t");
        case '\\' -> safe.append("\\\\");
        default -> {
          if (needsEscape(c)) {
            safe.append(String.format("\\u%04x", (int) c));
          } else {
            safe.append(c);
          }
        }
      }
    }
    if (end < text.length()) {
      safe.append("...(").append(text.length()).append(" chars)");
    }
    return safe.toString();
  }

  private static boolean needsEscape(char c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.UNASSIGNED, Character.PRIVATE_USE -> true;
      default -> false;
    };
  }
}
